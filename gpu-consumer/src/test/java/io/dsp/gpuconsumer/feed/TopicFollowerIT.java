package io.dsp.gpuconsumer.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.testkit.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaAdmin;

@GpuConsumerIntegrationTest
class TopicFollowerIT {

    @Autowired
    KafkaAdmin kafkaAdmin;

    @Test
    void aRecordThatCannotBeAppliedIsSkippedAndFollowingGoesOn() throws Exception {
        String topic = "follow-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        send(topic, "a", "boom", "c");
        List<String> applied = new CopyOnWriteArrayList<>();
        TopicFollower follower = new TopicFollower(kafkaAdmin, topic, Duration.ofSeconds(30)) {
            @Override
            protected void seekStart(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions);
            }

            @Override
            protected void onRecord(ConsumerRecord<byte[], byte[]> record) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                if (value.equals("boom")) {
                    throw new IllegalStateException("a listener failed");
                }
                applied.add(value);
            }

            @Override
            protected String whenLate() {
                return "starting anyway";
            }

            @Override
            protected String whenStopped() {
                return "nothing";
            }
        };
        follower.start();
        try {
            assertThat(applied).containsExactly("a", "c");
            send(topic, "d");
            await().atMost(Duration.ofSeconds(30)).until(() -> applied.contains("d"));
            assertThat(applied).containsExactly("a", "c", "d");
        } finally {
            follower.stop();
        }
    }

    private static void send(String topic, String... values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
    }
}
