package io.dsp.gpuconsumer;

import io.dsp.schemas.topic.Groups;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of one gpu-consumer instance.
 *
 * @param workerId id in presence, events and logs; blank (default) means {@code gpu-<host>-<random>}, new per start
 * @param maxConcurrent slots, i.e. tasks run at once, each a share-group member; default 3 as the legacy GPU server
 * @param deliveryCountLimit the broker's {@code group.share.delivery.count.limit} (2-10, default 5): a task failing on
 *     this delivery is dead-lettered by the worker, because the broker would archive it silently
 * @param heartbeatInterval how often presence is published to {@code dsp.workers}; default 5 s
 * @param shutdownTimeout how long a stopping worker lets running tasks finish before releasing them; default 20 s,
 *     inside the 30 s that ./dsp gives a service to stop
 * @param pollTimeout longest wait in one share poll; default 100 ms. Short, because a poll that acquires a transaction
 *     marker of {@code dsp.dispatch} returns empty only after this wait (issue 18)
 * @param retryBackoff how long a slot holds a transiently failed task before releasing it for its next delivery, on
 *     the first failure; doubled on every further delivery; default 1 s
 * @param retryBackoffMax the longest such hold; default 30 s (the slot is busy meanwhile, so keep it short)
 * @param quarantineAfter how many earlier attempts of one task may have ended with their worker dying (no outcome,
 *     no release) before the task is suspected of killing them: it is dead-lettered with reason {@code KILLS_WORKERS}
 *     when the latest of those attempts ran alone on its worker, and otherwise runs once more alone (ADR 038) (1-9,
 *     default 2)
 * @param progressInterval at most one progress event per task in this interval (a status change is always sent);
 *     default 2 s, as the legacy server's push throttle
 * @param assetApiUrl base URL of asset-api, where a worker fetches blobs by md5 ({@code /api/v1/blobs/{md5}}) with
 *     {@code Authorization: Bearer <dsp.fleet.token>}; default {@code http://127.0.0.1:8080}
 * @param fetchMaxWait longest a slot's share fetch waits at the broker for a record ({@code fetch.max.wait.ms}), 1 ms
 *     to 500 ms; default 50 ms ({@link Groups#SLOT_FETCH_MAX_WAIT_MS}). A lease's confirmation after STARTED gets its
 *     record back only with the next fetch (ADR 023): longer waits mean fewer empty fetches from idle slots (one per
 *     wait per slot) and a slower hand-over; a new task ends a waiting fetch at once either way
 */
@Validated
@ConfigurationProperties("dsp.gpu-consumer")
public record WorkerSettings(
        @DefaultValue("") String workerId,
        @Min(1) @Max(64) @DefaultValue("3") int maxConcurrent,
        @Min(2) @Max(10) @DefaultValue("5") int deliveryCountLimit,
        @NotNull @DefaultValue("5s") Duration heartbeatInterval,
        @NotNull @DefaultValue("20s") Duration shutdownTimeout,
        @NotNull @DefaultValue("100ms") Duration pollTimeout,
        @NotNull @DefaultValue("1s") Duration retryBackoff,
        @NotNull @DefaultValue("30s") Duration retryBackoffMax,
        @Min(1) @Max(9) @DefaultValue("2") int quarantineAfter,
        @NotNull @DefaultValue("2s") Duration progressInterval,
        @NotNull @DefaultValue("http://127.0.0.1:8080") URI assetApiUrl,

        @NotNull @DurationMin(millis = 1) @DurationMax(millis = 500) @DefaultValue("50ms")
        Duration fetchMaxWait) {}
