package io.dsp.testkit;

import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Puts licenses into the registry topic, as the ops tooling does. */
public final class Licenses {

    private Licenses() {}

    public static void provision(License license) {
        provisionAll(List.of(license));
    }

    /** Provisions many licenses through one producer. */
    public static void provisionAll(Collection<License> licenses) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            List<Future<?>> sent = new ArrayList<>();
            for (License license : licenses) {
                sent.add(producer.send(Topics.LICENSES.record(license.getLicenseKey(), license)));
            }
            for (Future<?> acknowledged : sent) {
                acknowledged.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot provision license", e);
        }
    }

    /** Provisions an active license with no validity window. */
    public static void provisionActive(String licenseKey) {
        provision(active(licenseKey));
    }

    /** An active license with no validity window. */
    public static License active(String licenseKey) {
        return License.newBuilder()
                .setLicenseKey(licenseKey)
                .setStatus(LicenseStatus.ACTIVE)
                .setUpdatedAt(Instant.now())
                .build();
    }
}
