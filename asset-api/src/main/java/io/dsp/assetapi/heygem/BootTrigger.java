package io.dsp.assetapi.heygem;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.topic.Topics;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the GPU power managers to boot the fleet: the legacy {@code gpu.power.boot} frame, exactly as the gateway
 * forwards a client's boot request to every {@code gpu_monitor} ({@code type, source, fd, request_id, msg}; {@code fd}
 * 0 as for every HTTP origin), published as a {@link RelayFrame} with target {@code MONITORS} on
 * {@code dsp.gateway-relay}, from where every gateway instance delivers it to its monitors. {@code gpu.power.boot} rather
 * than the legacy health call's {@code gpu.job.submit}/{@code heygem_health_check} notice, because both power-manager
 * versions boot on it at once (the older one waits for its check loop on a job notice) and it carries no license key.
 * Throttled per instance ({@link BootSettings#minInterval()}).
 */
@Component
class BootTrigger {

    static final String KEY = "MONITORS";
    private static final Logger log = LoggerFactory.getLogger(BootTrigger.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final AssetApiSettings settings;
    private final Clock clock;
    private final Throttle throttle;

    BootTrigger(KafkaTemplate<byte[], byte[]> kafka, AssetApiSettings settings, BootSettings boot, Clock clock) {
        this.kafka = kafka;
        this.settings = settings;
        this.clock = clock;
        this.throttle = new Throttle(clock, boot.minInterval());
    }

    /** Requests a boot unless one was requested within the interval; the boot request id when one was sent. */
    Optional<String> request() {
        if (!throttle.tryPass()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String requestId = "boot_" + uniqueSuffix(now);
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "gpu.power.boot");
        frame.put("source", "client");
        frame.put("fd", 0);
        frame.put("request_id", requestId);
        frame.put("msg", "请求启动GPU");
        RelayFrame relay = RelayFrame.newBuilder()
                .setRelayId(UUID.randomUUID().toString())
                .setTarget(RelayTarget.MONITORS)
                .setAddress(null)
                .setFrameJson(JSON.writeValueAsString(frame))
                .setOrigin(settings.nodeId())
                .setAt(now)
                .build();
        try {
            kafka.send(Topics.GATEWAY_RELAY.record(KEY, relay))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // The health answer still goes out; the next poll tries again.
            throttle.release();
            log.warn("could not request a GPU boot: {}", e.toString());
            return Optional.empty();
        }
        log.info("requested a GPU boot requestId={}", requestId);
        return Optional.of(requestId);
    }

    /** For tests: the next call requests a boot again. */
    void forgetLastBoot() {
        throttle.release();
    }

    private static String uniqueSuffix(Instant now) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        return Long.toHexString(micros) + HexFormat.of().formatHex(random);
    }
}
