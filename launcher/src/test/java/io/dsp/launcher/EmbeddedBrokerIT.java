package io.dsp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.launcher.broker.BrokerClasspath;
import io.dsp.launcher.broker.KafkaBroker;
import io.dsp.launcher.process.Ports;
import io.dsp.launcher.provision.DemoLicenseKey;
import io.dsp.launcher.provision.Provisioning;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real broker child process, started through the launcher's own classes: share groups work on it, and a restart
 * on the same data dir finds the topics, the records and the share group's acknowledgements again.
 */
class EmbeddedBrokerIT {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void servesTheFleetShareGroupAndKeepsTasksAndAcknowledgementsAcrossARestart() throws Exception {
        DataDir dataDir = new DataDir(dir);
        int kafkaPort = Ports.freePort();
        int controllerPort = Ports.freePort();
        String licenseKey = DemoLicenseKey.loadOrCreate(dataDir.demoLicenseKey(), new SecureRandom());

        KafkaBroker broker = start(dataDir, kafkaPort, controllerPort);
        try {
            assertThat(broker.formattedNewStorage()).isTrue();
            Provisioning.run(broker.bootstrapServers(), licenseKey);
            produce(broker.bootstrapServers(), "task-1", "task-2");

            assertThat(takeOneFromTheFleet(broker.bootstrapServers())).isEqualTo("task-1");
        } finally {
            assertThat(broker.stop(GRACE)).as("broker stopped cleanly").isTrue();
        }

        KafkaBroker restarted = start(dataDir, kafkaPort, controllerPort);
        try {
            assertThat(restarted.formattedNewStorage()).isFalse();
            assertThat(topics(restarted.bootstrapServers()))
                    .contains(Topics.DISPATCH.name(), Topics.LICENSES.name(), "dsp.tasks." + licenseKey);
            assertThat(license(restarted.bootstrapServers(), licenseKey).getStatus())
                    .isEqualTo(LicenseStatus.ACTIVE);
            // task-1 was accepted before the restart: the share group carries on with task-2.
            assertThat(takeOneFromTheFleet(restarted.bootstrapServers())).isEqualTo("task-2");
            // Provisioning again on existing topics is a no-op, as on every later ./dsp up.
            Provisioning.run(restarted.bootstrapServers(), licenseKey);
        } finally {
            assertThat(restarted.stop(GRACE))
                    .as("restarted broker stopped cleanly")
                    .isTrue();
        }
        assertThat(DemoLicenseKey.loadOrCreate(dataDir.demoLicenseKey(), new SecureRandom()))
                .isEqualTo(licenseKey);
    }

    private static KafkaBroker start(DataDir dataDir, int kafkaPort, int controllerPort) {
        KafkaBroker broker =
                KafkaBroker.start(dataDir, kafkaPort, controllerPort, BrokerClasspath.current(), "512m", true);
        try {
            broker.awaitReady(READY);
        } catch (RuntimeException e) {
            broker.stop(GRACE);
            throw e;
        }
        return broker;
    }

    private static void produce(String bootstrap, String... values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(Topics.DISPATCH.name(), value, value))
                        .get();
            }
        }
    }

    /** One GPU slot as the fleet runs it: acquires exactly one record, ACCEPTs it and commits. */
    private static String takeOneFromTheFleet(String bootstrap) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                Groups.GPU_FLEET,
                "share.acknowledgement.mode",
                "explicit",
                "share.acquire.mode",
                "record_limit",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                1);
        try (KafkaShareConsumer<String, String> slot =
                new KafkaShareConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            slot.subscribe(List.of(Topics.DISPATCH.name()));
            AtomicReference<String> taken = new AtomicReference<>();
            // The first share poll returns only after join and assignment (~5 s).
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                slot.poll(Duration.ofMillis(500)).forEach(records::add);
                assertThat(records).hasSizeLessThanOrEqualTo(1);
                records.forEach(r -> {
                    taken.set(r.value());
                    slot.acknowledge(r, AcknowledgeType.ACCEPT);
                });
                return taken.get() != null;
            });
            slot.commitSync();
            return taken.get();
        }
    }

    private static List<String> topics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return List.copyOf(admin.listTopics().names().get());
        }
    }

    private static License license(String bootstrap, String licenseKey) {
        TopicPartition partition = new TopicPartition(Topics.LICENSES.name(), 0);
        try (KafkaConsumer<String, License> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                Topics.LICENSES.keySerde().deserializer(),
                Topics.LICENSES.valueSerde().deserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            AtomicReference<License> found = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(20)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (licenseKey.equals(r.key())) {
                        found.set(r.value());
                    }
                });
                return found.get() != null;
            });
            return found.get();
        }
    }
}
