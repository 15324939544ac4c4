package io.dsp.ops.license;

import io.dsp.ops.cli.Progress;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The license registry as asset-api's admin endpoints keep it: one {@link License} per key in the compacted
 * {@code dsp.licenses} (the latest record wins), device bindings keyed {@code licenseKey|deviceType} in
 * {@code dsp.device-bindings}.
 */
final class LicenseRegistry {

    /** The keys asset-api's admin API accepts on create. */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{6,64}");

    static final List<String> DEVICE_TYPES = List.of("pc", "mobile");

    private LicenseRegistry() {}

    static Map<String, License> read(KafkaAccess kafka) {
        Map<String, License> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(Topics.LICENSES, Progress.of("reading licenses"))) {
            try {
                String key = Topics.LICENSES.key(record);
                License license = record.value() == null ? null : Topics.LICENSES.value(record);
                if (license == null) {
                    out.remove(key);
                } else {
                    out.put(key, license);
                }
            } catch (SerializationException e) {
                // not a license of this contract
            }
        }
        return out;
    }

    static void write(KafkaAccess kafka, License license, List<DeviceBinding> bindings) {
        var records = new java.util.ArrayList<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>>();
        records.add(Topics.LICENSES.record(license.getLicenseKey(), license));
        for (DeviceBinding b : bindings) {
            records.add(Topics.DEVICE_BINDINGS.record(b.getLicenseKey() + "|" + b.getDeviceType(), b));
        }
        kafka.sendAll(records);
    }
}
