package io.dsp.kafkauiserde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.kafbat.ui.serde.api.DeserializeResult;
import io.kafbat.ui.serde.api.Serde.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records written to a real broker with the catalogue's own serdes (what the services send), read back as raw bytes
 * the way Kafka UI reads them, and shown by the plug-in: every shared topic, and a tenant's normal and high topics.
 */
class DspSerdeIT {

    private static final KafkaTestBroker BROKER = KafkaTestBroker.get();
    private static final String LICENSE_KEY = Samples.licenseKey();

    private final DspSerde serde = new DspSerde();

    @BeforeAll
    static void tenantTopics() throws Exception {
        BROKER.ensureTenantTopic(LICENSE_KEY);
        BROKER.admin()
                .createTopics(List.of(
                        TenantTopics.forLicense(LICENSE_KEY, Priority.HIGH).newTopic((short) 1),
                        TenantTopics.forLicense(LICENSE_KEY, Priority.NORMAL, io.dsp.schemas.topic.Lane.AUTOMATION)
                                .newTopic((short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void everyTopicOfTheCatalogueHasASampleHere() {
        List<String> sampled =
                Samples.all(LICENSE_KEY).stream().map(s -> s.topic().name()).toList();

        assertThat(sampled)
                .containsAll(Topics.SHARED.stream().map(TopicSpec::name).toList());
        assertThat(sampled)
                .contains(
                        TenantTopics.topicName(LICENSE_KEY),
                        TenantTopics.topicName(LICENSE_KEY, Priority.HIGH),
                        TenantTopics.topicName(LICENSE_KEY, Priority.NORMAL, io.dsp.schemas.topic.Lane.AUTOMATION));
    }

    @Test
    void everyRecordTheServicesWriteShowsAsJsonInKafkaUi() throws Exception {
        List<Samples.Sample<?, ?>> samples = Samples.all(LICENSE_KEY);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (Samples.Sample<?, ?> sample : samples) {
                producer.send(record(sample)).get(30, TimeUnit.SECONDS);
            }
        }

        for (Samples.Sample<?, ?> sample : samples) {
            String topic = sample.topic().name();
            ConsumerRecord<byte[], byte[]> raw = readBack(topic, keyBytes(sample));

            DeserializeResult key = serde.deserializer(topic, Target.KEY).deserialize(null, raw.key());
            DeserializeResult value = serde.deserializer(topic, Target.VALUE).deserialize(null, raw.value());

            System.out.printf("%-40s key=%s%n%40s value=%s%n", topic, key.getResult(), "", value.getResult());
            assertThat(key.getResult()).as(topic + " key").isEqualTo(sample.keyText());
            if (sample.expected().isEmpty()) {
                assertThat(value.getResult()).as(topic).isEqualTo(sample.value());
            } else {
                assertThat(value.getType()).as(value.getResult()).isEqualTo(DeserializeResult.Type.JSON);
                assertThat(JsonPaths.texts(value.getResult(), sample.expected().keySet()))
                        .as(topic)
                        .containsAllEntriesOf(sample.expected());
            }
        }
    }

    private static <K, V> org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record(
            Samples.Sample<K, V> sample) {
        return sample.topic().record(sample.key(), sample.value());
    }

    private static <K, V> byte[] keyBytes(Samples.Sample<K, V> sample) {
        return sample.topic().keySerde().serializer().serialize(sample.topic().name(), sample.key());
    }

    /** The record with this key, read from the start of the topic outside any group, as Kafka UI browses. */
    private static ConsumerRecord<byte[], byte[]> readBack(String topic, byte[] key) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (Arrays.equals(r.key(), key)) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return Optional.of(found.get(0)).orElseThrow();
        }
    }
}
