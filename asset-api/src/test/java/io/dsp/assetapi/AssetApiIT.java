package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.AssetType;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@AssetApiIntegrationTest
class AssetApiIT {

    @LocalServerPort
    int port;

    String license;
    ApiClient app;

    @BeforeEach
    void provisionALicense() {
        license = "it-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
    }

    @Test
    void deleteWithNoWorkerOnlineIsQueuedInTheLicensesTopicWithTheLegacyAnswer() {
        ApiClient.Answer answer = app.postJson("/api/dsp/asset/delete", "{\"id\":\"55\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.code()).isZero();
        assertThat(answer.msg()).isEqualTo("已排队");
        assertThat(answer.data().path("msg").asString()).isEqualTo("GPU服务器未上线，删除任务已排队，服务器启动后自动执行（约2分钟）");
        String requestId = answer.data().path("request_id").asString();
        List<TaskRequested> queued = tasksIn(TenantTopics.topicName(license));
        assertThat(queued).singleElement().satisfies(task -> {
            assertThat(task.getRequestId()).isEqualTo(requestId);
            assertThat(task.getLicenseKey()).isEqualTo(license);
            assertThat(task.getTaskType()).isEqualTo("delete_asset");
            assertThat(((DeleteAssetPayload) task.getPayload()).getAssetId()).isEqualTo(55L);
        });
    }

    @Test
    void aQueuedTaskShowsItsPositionFromTheDispatchersQueueFacts() throws Exception {
        String requestId = app.postJson("/api/asset/delete", "{\"id\":9}")
                .data()
                .path("request_id")
                .asString();
        QueueFacts facts = QueueFacts.newBuilder()
                .setLicenseKey(license)
                .setWaiting(2)
                .setInFlight(0)
                .setOldestWaitingSince(Instant.now())
                .setNextRequestIds(List.of("someone-before", requestId))
                .setAt(Instant.now())
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(Topics.QUEUE_FACTS.record(license, facts)).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ApiClient.Answer status = app.get("/api/v1/tasks/" + requestId);
            assertThat(status.data().path("queue_position").asInt()).isEqualTo(2);
            assertThat(status.data().path("waiting_in_queue").asLong()).isEqualTo(2);
        });
    }

    @Test
    void missingOrBadCredentialsAreRefusedWithTheLegacyMessagesAndQueueNothing() {
        ApiClient anonymous = ApiClient.anonymous(base());
        assertThat(anonymous.postJson("/api/asset/delete", "{\"id\":1}").msg()).isEqualTo("缺少 Authorization Bearer");
        assertThat(anonymous
                        .withHeader("Authorization", "Bearer " + license)
                        .postJson("/api/asset/delete", "{\"id\":1}")
                        .msg())
                .isEqualTo("缺少 machine_code（设备指纹）");
        ApiClient.Answer unknown =
                ApiClient.forLicense(base(), "no-such-license", "m1").postJson("/api/asset/delete", "{\"id\":1}");
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.msg()).isEqualTo("卡密不存在");
        ApiClient.Answer v1 = ApiClient.anonymous(base()).get("/api/v1/tasks/x");
        assertThat(v1.status()).isEqualTo(401);
        assertThat(v1.code()).isEqualTo(401);

        assertThat(tasksIn(TenantTopics.topicName(license))).isEmpty();
    }

    @Test
    void aDisabledLicenseIsRefused() {
        String disabled = "disabled-" + UUID.randomUUID();
        Licenses.provision(License.newBuilder()
                .setLicenseKey(disabled)
                .setStatus(LicenseStatus.DISABLED)
                .setUpdatedAt(Instant.now())
                .build());
        ApiClient client = ApiClient.forLicense(base(), disabled, "m1");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(client.postJson("/api/asset/delete", "{\"id\":1}")
                                .msg())
                        .isEqualTo("卡密已禁用"));
    }

    @Test
    void badBodiesGetAClearErrorAndQueueNothing() {
        for (String body :
                List.of("{}", "{\"id\":0}", "{\"id\":-3}", "{\"id\":\"abc\"}", "{\"id\":1.5}", "{\"id\":null}")) {
            ApiClient.Answer answer = app.postJson("/api/asset/delete", body);
            assertThat(answer.code()).as(body).isEqualTo(1);
            assertThat(answer.msg()).as(body).isEqualTo("缺少 id");
        }
        for (String body : List.of("not json", "[1,2]", "\"id\"", "")) {
            ApiClient.Answer answer = app.postJson("/api/asset/delete", body);
            assertThat(answer.status()).as(body).isEqualTo(200);
            assertThat(answer.code()).as(body).isEqualTo(1);
            assertThat(answer.msg()).as(body).startsWith("请求格式错误");
        }

        assertThat(tasksIn(TenantTopics.topicName(license))).isEmpty();
    }

    @Test
    void anotherLicensesAssetCannotBeDeleted() throws Exception {
        long assetId = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L) + 1;
        publishAsset(assetId, "owner-" + UUID.randomUUID());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ApiClient.Answer answer = app.postJson("/api/asset/delete", "{\"id\":" + assetId + "}");
            assertThat(answer.code()).isEqualTo(1);
            assertThat(answer.msg()).isEqualTo("资产不存在");
        });
        assertThat(tasksIn(TenantTopics.topicName(license))).isEmpty();
    }

    private void publishAsset(long assetId, String owner) throws Exception {
        AssetRecord asset = AssetRecord.newBuilder()
                .setAssetId(assetId)
                .setLicenseKey(owner)
                .setAssetType(AssetType.voice)
                .setName("我的音色")
                .setFileHash("0".repeat(32))
                .setFileExt(".wav")
                .setFileSize(1024)
                .setCreatedAt(Instant.now())
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(Topics.ASSETS.record(assetId, asset)).get();
        }
    }

    /** Everything in a tenant topic now (empty if the topic was never created). */
    private static List<TaskRequested> tasksIn(String topic) {
        List<TaskRequested> tasks = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            if (consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty()) {
                return tasks;
            }
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> tasks.add(TenantTopics.decode(r)));
            }
        }
        return tasks;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
