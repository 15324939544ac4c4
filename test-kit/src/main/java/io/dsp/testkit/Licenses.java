package io.dsp.testkit;

import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Puts licenses into the registry topic, as the ops tooling does. */
public final class Licenses {

    private Licenses() {}

    public static void provision(License license) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            producer.send(Topics.LICENSES.record(license.getLicenseKey(), license))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot provision license", e);
        }
    }

    /** Provisions an active license with no validity window. */
    public static void provisionActive(String licenseKey) {
        provision(License.newBuilder()
                .setLicenseKey(licenseKey)
                .setStatus(LicenseStatus.ACTIVE)
                .setUpdatedAt(Instant.now())
                .build());
    }
}
