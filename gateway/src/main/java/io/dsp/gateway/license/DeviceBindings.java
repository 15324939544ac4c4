package io.dsp.gateway.license;

import io.dsp.gateway.GatewayNode;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The legacy device rule on the socket, shared with asset-api through the compacted {@code dsp.device-bindings}: per
 * (license, device type) the first machine code that uses a license is bound to it and any other is refused, whether
 * it came over HTTP or {@code /dsp}. Fed by the gateway's state view; a key it has not seen makes it catch up with the
 * topic's end first, so a binding written a moment ago by asset-api counts.
 */
@Component
public class DeviceBindings {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, String> bound = new ConcurrentHashMap<>();
    /** Bindings this instance wrote that the view may not show yet. */
    private final Map<String, String> justBound = new ConcurrentHashMap<>();

    private final KafkaTemplate<byte[], byte[]> kafka;
    private final GatewayNode node;
    private final Clock clock;
    private volatile LicenseRegistry.CatchUp catchUp = wait -> {
        throw new TimeoutException("dsp.device-bindings is not followed yet");
    };

    DeviceBindings(KafkaTemplate<byte[], byte[]> kafka, GatewayNode node, Clock clock) {
        this.kafka = kafka;
        this.node = node;
        this.clock = clock;
    }

    /** Set by the view that feeds these bindings, before the endpoint opens. */
    public void catchUpWith(LicenseRegistry.CatchUp catchUp) {
        this.catchUp = catchUp;
    }

    /** Applies one record of {@code dsp.device-bindings}; a tombstone (an admin's unbind) frees the key. */
    public void apply(String key, DeviceBinding binding) {
        if (binding == null) {
            bound.remove(key);
            justBound.remove(key);
        } else {
            bound.put(key, binding.getMachineCode());
            justBound.remove(key);
        }
    }

    /**
     * Binds on first use, passes the bound machine; otherwise the legacy refusal ({@code 该卡密的电脑端已绑定其他设备}),
     * or a "try again" when the binding could not be checked or written.
     *
     * @return the message to refuse with, if refused
     */
    public Optional<String> check(String licenseKey, String deviceType, String machineCode, Duration wait) {
        String key = licenseKey + "|" + deviceType;
        String machine = bound.containsKey(key) ? bound.get(key) : justBound.get(key);
        if (machine == null) {
            try {
                catchUp.awaitEnd(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(UNAVAILABLE);
            } catch (TimeoutException | RuntimeException e) {
                return Optional.of(UNAVAILABLE);
            }
            machine = bound.get(key);
        }
        if (machine == null) {
            try {
                machine = justBound.computeIfAbsent(key, k -> bind(k, licenseKey, deviceType, machineCode));
            } catch (IllegalStateException e) {
                return Optional.of(UNAVAILABLE);
            }
        }
        if (!machine.equals(machineCode)) {
            return Optional.of("该卡密的" + ("mobile".equals(deviceType) ? "手机端" : "电脑端") + "已绑定其他设备");
        }
        return Optional.empty();
    }

    private String bind(String key, String licenseKey, String deviceType, String machineCode) {
        DeviceBinding binding = DeviceBinding.newBuilder()
                .setLicenseKey(licenseKey)
                .setDeviceType(deviceType)
                .setMachineCode(machineCode)
                .setBoundAt(clock.instant())
                .setBoundBy(node.id())
                .build();
        try {
            kafka.send(Topics.DEVICE_BINDINGS.record(key, binding)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return machineCode;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("binding not recorded", e);
        }
    }

    /** The refusal when the binding cannot be checked or written now. */
    static final String UNAVAILABLE = "服务暂不可用，请稍后重试";
}
