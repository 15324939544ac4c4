package io.dsp.gateway.relay;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a gateway instance was last heard: the newest alive beat on the relay, where every live instance beats every few
 * seconds ({@link RelaySettings#aliveInterval()}). Asked once at start, before this instance beats: the gap since then
 * is how long no gateway ran (about zero when another instance runs), so it is how far back results must be routed
 * again for the clients that could not be reached meanwhile. Only beats count: asset-api writes to the relay too (boot
 * triggers) while no gateway runs.
 */
public final class LastHeard {

    private static final Logger log = LoggerFactory.getLogger(LastHeard.class);

    /** The key prefix of alive beats ({@link Relay#beat()}): a frame with no target, keyed by its instance. */
    private static final byte[] BEAT_KEY = "UNKNOWN|".getBytes(StandardCharsets.UTF_8);

    private LastHeard() {}

    /**
     * The newest beat written in the last {@code within} before {@code now}; empty if there is none (a first start, an
     * outage longer than that) or the relay cannot be read in {@code wait}.
     */
    public static Optional<Instant> anyGateway(Map<String, Object> kafka, Instant now, Duration within, Duration wait) {
        AtomicLong newest = new AtomicLong(-1);
        // The read goes on past the window's start to the end: a record appended meanwhile carries its own time,
        // which is outside the window when `now` is not the clock's (a test's).
        long from = now.minus(within).toEpochMilli();
        Map<String, Object> bounded = new HashMap<>(kafka);
        // the view looks up the relay's partitions as it starts: an unreachable broker must not hold a start for longer
        bounded.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1, wait.toMillis()));
        TopicView view = TopicView.builder("gateway-last-heard", bounded)
                .clock(Clock.fixed(now, ZoneOffset.UTC))
                .follow(Topics.GATEWAY_RELAY, StartRule.lookBack(within), r -> {
                    if (isBeat(r.key()) && r.timestamp() >= from) {
                        newest.accumulateAndGet(r.timestamp(), Math::max);
                    }
                })
                .build();
        try {
            view.start();
            if (!view.awaitCaughtUp(wait)) {
                log.warn(
                        "cannot tell when a gateway was last heard: {} not read to its end within {}{}",
                        Topics.GATEWAY_RELAY.name(),
                        wait,
                        view.failure().map(e -> " (" + e + ")").orElse(""));
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            view.stop();
        }
        return newest.get() < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(newest.get()));
    }

    private static boolean isBeat(byte[] key) {
        return key != null
                && java.util.Arrays.equals(key, 0, Math.min(key.length, BEAT_KEY.length), BEAT_KEY, 0, BEAT_KEY.length);
    }
}
