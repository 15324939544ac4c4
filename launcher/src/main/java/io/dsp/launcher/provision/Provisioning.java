package io.dsp.launcher.provision;

import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * What the stack needs in Kafka before a service starts: the shared topics, the fleet's share-group config, and the
 * demo license with its tenant topic. Everything is idempotent, so it runs on every {@code ./dsp up}.
 */
public final class Provisioning {

    private static final short REPLICATION_FACTOR = 1;

    private Provisioning() {}

    /** Provisions topics and groups, then upserts the demo license; returns the demo tenant's task topic. */
    public static String run(String bootstrapServers, String demoLicenseKey) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, REPLICATION_FACTOR);
            provisioner.ensureSharedTopicsAndGroups();
            String tenantTopic = provisioner.ensureTenantTopic(demoLicenseKey);
            publishDemoLicense(bootstrapServers, demoLicenseKey);
            return tenantTopic;
        }
    }

    static License demoLicense(String licenseKey, Instant now) {
        return License.newBuilder()
                .setLicenseKey(licenseKey)
                .setStatus(LicenseStatus.ACTIVE)
                .setValidFrom(null)
                .setValidUntil(null)
                .setLabel("demo")
                .setUpdatedAt(now)
                .build();
    }

    // Re-published on every start: the topic is compacted, so this is an upsert, and it re-activates the demo
    // license should someone have disabled it while experimenting.
    private static void publishDemoLicense(String bootstrapServers, String licenseKey) {
        try (KafkaProducer<String, License> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                Topics.LICENSES.keySerde().serializer(),
                Topics.LICENSES.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.LICENSES.name(), licenseKey, demoLicense(licenseKey, Instant.now())))
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("Cannot publish the demo license: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while publishing the demo license", e);
        }
    }
}
