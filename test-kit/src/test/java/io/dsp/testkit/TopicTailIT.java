package io.dsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.topic.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TopicTailIT {

    /** Values are strings; "garbage" is not one of this contract's values. */
    private static final Serde<String> VALUES = Serdes.serdeFrom(new StringSerializer(), (topic, data) -> {
        String value = new StringDeserializer().deserialize(topic, data);
        if ("garbage".equals(value)) {
            throw new SerializationException("not a value of this contract");
        }
        return value;
    });

    @Test
    void fromBeginningReadsWhatWasThereAndWhatComesSkippingWhatItCannotDecode() throws Exception {
        TopicSpec<String, String> topic = newTopic();
        send(topic, "a", "garbage", null);

        try (TopicTail<String, String> tail = TopicTail.fromBeginning(topic)) {
            send(topic, "b");

            await().atMost(Duration.ofSeconds(30)).until(() -> tail.records().size() == 3);
            assertThat(tail.records())
                    .containsExactly(
                            new TopicTail.Received<>("k", "a"),
                            new TopicTail.Received<>("k", null),
                            new TopicTail.Received<>("k", "b"));
            assertThat(tail.values()).containsExactly("a", "b");
        }
    }

    @Test
    void fromEndReadsOnlyWhatIsWrittenAfterItOpened() throws Exception {
        TopicSpec<String, String> topic = newTopic();
        send(topic, "before");

        try (TopicTail<String, String> tail = TopicTail.fromEnd(topic)) {
            send(topic, "after");

            await().atMost(Duration.ofSeconds(30)).until(() -> !tail.values().isEmpty());
            assertThat(tail.values()).containsExactly("after");
        }
    }

    private static TopicSpec<String, String> newTopic() throws Exception {
        TopicSpec<String, String> topic =
                new TopicSpec<>("tail-" + UUID.randomUUID(), Serdes.String(), VALUES, 1, Map.of());
        KafkaTestBroker.get()
                .admin()
                .createTopics(List.of(topic.newTopic((short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        return topic;
    }

    private static void send(TopicSpec<String, String> topic, String... values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (String value : values) {
                byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic.name(), "k".getBytes(StandardCharsets.UTF_8), bytes))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }
}
