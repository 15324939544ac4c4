package io.dsp.assetapi.license;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.assetapi.readmodel.CachedLookups;
import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The legacy {@code dsp_devices} rule: per (license, device type) the first machine code that uses a license is bound
 * to it, and any other machine is refused. Bindings live in the compacted {@code dsp.device-bindings} (read back as a
 * global table), so they survive restarts and are shared by every instance.
 *
 * <p>Races: within one instance, first uses of one key are serialised and a binding this instance just wrote counts
 * at once (before the table shows it). Across instances there is a window of the table's propagation delay (about
 * 100 ms) in which two different machines using the same fresh license on two instances can both be bound; the later
 * record wins in the log, and the other machine is refused from its next request on. Closing it fully would need one
 * writer per key (a Streams processor deciding bindings), which the legacy system did not have either.
 */
@Component
public class DeviceBindings {

    private final CachedLookups lookups;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final AssetApiSettings settings;
    private final Clock clock;
    /** Bindings this instance wrote that the global table may not show yet. */
    private final Map<String, String> justBound = new ConcurrentHashMap<>();

    DeviceBindings(CachedLookups lookups, KafkaTemplate<byte[], byte[]> kafka, AssetApiSettings settings, Clock clock) {
        this.lookups = lookups;
        this.kafka = kafka;
        this.settings = settings;
        this.clock = clock;
    }

    public static String key(String licenseKey, String deviceType) {
        return licenseKey + "|" + deviceType;
    }

    /** Binds on first use, passes the bound machine, refuses any other with the legacy message. */
    void check(String licenseKey, String deviceType, String machineCode) {
        String key = key(licenseKey, deviceType);
        String bound = boundMachine(key);
        if (bound == null) {
            bound = justBound.compute(
                    key, (k, current) -> current != null ? current : bind(k, licenseKey, deviceType, machineCode));
        }
        if (!bound.equals(machineCode)) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN, "该卡密的" + ("mobile".equals(deviceType) ? "手机端" : "电脑端") + "已绑定其他设备");
        }
    }

    private String boundMachine(String key) {
        if (justBound.containsKey(key)) {
            // This instance bound it a moment ago: compare with the read model itself, not with a binding a request
            // held from before (an unbind, then a new machine, within the lookup ttl).
            lookups.forgetBinding(key);
        }
        var stored = lookups.deviceBinding(key);
        if (stored.isPresent()) {
            justBound.remove(key);
            return stored.get().getMachineCode();
        }
        return justBound.get(key);
    }

    private String bind(String key, String licenseKey, String deviceType, String machineCode) {
        DeviceBinding binding = DeviceBinding.newBuilder()
                .setLicenseKey(licenseKey)
                .setDeviceType(deviceType)
                .setMachineCode(machineCode)
                .setBoundAt(clock.instant())
                .setBoundBy(settings.nodeId())
                .build();
        try {
            kafka.send(Topics.DEVICE_BINDINGS.record(key, binding))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable();
        }
        lookups.forgetBinding(key);
        return machineCode;
    }

    /** Removes a binding (admin), so the next device to use the license is bound. */
    public void unbind(String licenseKey, String deviceType) {
        String key = key(licenseKey, deviceType);
        try {
            kafka.send(Topics.DEVICE_BINDINGS.record(key, null))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable();
        }
        justBound.remove(key);
        lookups.forgetBinding(key);
    }

    private static ApiException unavailable() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "服务暂不可用，请稍后重试");
    }
}
