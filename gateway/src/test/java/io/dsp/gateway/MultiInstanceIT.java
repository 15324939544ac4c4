package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.RedisTestServer;
import io.dsp.testkit.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Two gateway instances on one broker (and one Redis): what a client or monitor sees must not depend on which. */
class MultiInstanceIT {

    static final String A_ID = "gw-a-" + UUID.randomUUID().toString().substring(0, 8);
    static final String B_ID = "gw-b-" + UUID.randomUUID().toString().substring(0, 8);

    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;

    @BeforeAll
    static void startTwoInstances() {
        a = Services.start(GatewayApplication.builder(), settings(A_ID));
        b = Services.start(GatewayApplication.builder(), settings(B_ID));
    }

    static Map<String, Object> settings(String nodeId) {
        return Map.of(
                "dsp.gateway.node-id",
                nodeId,
                "dsp.gateway.presence-interval",
                "1s",
                "dsp.gateway.relay.alive-interval",
                "1s");
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    static String url(ConfigurableApplicationContext context) {
        return "ws://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort() + "/dsp";
    }

    @Test
    void connectionNumbersAreUniqueAcrossInstances() {
        try (LegacySocket onA = LegacySocket.connect(url(a));
                LegacySocket onB = LegacySocket.connect(url(b))) {
            long fdA = onA.next().path("fd").asLong();
            long fdB = onB.next().path("fd").asLong();
            assertThat(fdA / GatewayNode.FDS_PER_NODE).isNotEqualTo(fdB / GatewayNode.FDS_PER_NODE);
            assertThat(a.getBean(GatewayNode.class).number())
                    .isNotEqualTo(b.getBean(GatewayNode.class).number());
        }
    }

    @Test
    void aResultOfAWorkerOnOneInstanceReachesTheSubmittingClientOnTheOther() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(b), Mode.SUCCEED);
                LegacySocket client = client(url(a), license, "pc")) {
            String requestId = "multi-" + UUID.randomUUID();
            client.send(submit(requestId, 77));
            long submitted = System.nanoTime();
            KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);
            JsonNode result = awaitFrame(client, "gpu.job.result", requestId);
            System.out.printf(
                    "result across instances (submit -> result at the client, dispatcher stand-in included): %d ms%n",
                    (System.nanoTime() - submitted) / 1_000_000);
            assertThat(result.path("result").path("id").asLong()).isEqualTo(77);
            assertThat(awaitFrame(client, "gpu_task_result", requestId)
                            .path("request_id")
                            .asString())
                    .isEqualTo(requestId);
            assertThat(worker.requestIds()).contains(ClientRequestIds.scoped(license, requestId));
        }
    }

    @Test
    void aClientThatReconnectsToTheOtherInstanceAfterSubmittingGetsItsResult() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        String requestId = "moved-" + UUID.randomUUID();
        try (LegacySocket first = client(url(a), license, "pc")) {
            first.send(submit(requestId, 5));
            JsonNode answer = first.next();
            assertThat(answer.path("request_id").asString()).isEqualTo(requestId);
        }
        try (LegacySocket again = client(url(b), license, "pc");
                FakeLegacyWorker worker = FakeLegacyWorker.connect(url(a), Mode.SUCCEED)) {
            KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);
            JsonNode result = awaitFrame(again, "gpu.job.result", requestId);
            assertThat(result.path("result").path("id").asLong()).isEqualTo(5);
        }
    }

    @Test
    void aClientWhoseInstanceStoppedGetsItsResultOnTheInstanceItReconnectedTo() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        String requestId = "orphan-" + UUID.randomUUID();
        String cId = "gw-c-" + UUID.randomUUID().toString().substring(0, 8);
        ConfigurableApplicationContext c = Services.start(GatewayApplication.builder(), settings(cId));
        try (LegacySocket first = client(url(c), license, "pc")) {
            first.send(submit(requestId, 6));
            assertThat(first.next().path("request_id").asString()).isEqualTo(requestId);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> b.getBean(io.dsp.gateway.relay.Relay.class).isAlive(cId));
        } finally {
            c.close();
        }
        long stopped = System.nanoTime();
        // The client reconnects at once and the result arrives while C may still count as alive: B holds it.
        try (LegacySocket again = client(url(b), license, "pc");
                FakeLegacyWorker worker = FakeLegacyWorker.connect(url(b), Mode.SUCCEED)) {
            KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);
            assertThat(awaitFrame(again, "gpu.job.result", requestId)
                            .path("result")
                            .path("id")
                            .asLong())
                    .isEqualTo(6);
            System.out.printf(
                    "result of a task accepted by a stopped gateway reached the reconnected client %d ms after the"
                            + " stop (alive interval 1 s)%n",
                    (System.nanoTime() - stopped) / 1_000_000);
        }
        assertThat(b.getBean(io.dsp.gateway.relay.Relay.class).isAlive(cId)).isFalse();
    }

    @Test
    void aStartingInstanceKnowsRecentOutcomesAndNeverHandsAnEndedTaskToItsLegacyWorkers() throws Exception {
        // A task that ended before this instance started (its acknowledgement lost to a broker crash, say) ...
        TaskRequested ended = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 41);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(Topics.TASK_EVENTS.record(
                            ended.getRequestId(),
                            TaskEvents.about(ended, TaskEventType.SUCCEEDED, "gateway", java.time.Instant.now())
                                    .build()))
                    .get();
        }
        String dId = "gw-d-" + UUID.randomUUID().toString().substring(0, 8);
        ConfigurableApplicationContext d = Services.start(GatewayApplication.builder(), settings(dId));
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(d), Mode.SUCCEED)) {
            // ... is delivered again: the new instance acknowledges it without handing it to its worker.
            TaskRequested marker = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 42);
            KafkaProbe.dispatch(List.of(ended, marker));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> worker.requestIds().contains(marker.getRequestId()));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> !worker.requestIds().contains(ended.getRequestId()));
        } finally {
            d.close();
        }
    }

    @Test
    void aStatusQueryReachesMonitorsOnEveryInstanceAndTheAnswerReachesClientsOnEveryInstance() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (LegacySocket monitor = monitor(url(b));
                LegacySocket client = client(url(a), license, "pc")) {
            String requestId = "sq-" + UUID.randomUUID();
            client.send("{\"type\":\"gpu.status.query\",\"request_id\":\"" + requestId + "\"}");
            JsonNode query = awaitFrame(monitor, "gpu.status.query", requestId);
            assertThat(query.path("source").asString()).isEqualTo("client");
            monitor.send("{\"type\":\"gpu.status.response\",\"State\":\"Initializing\",\"request_id\":\"" + requestId
                    + "\",\"source\":\"gpu_monitor\"}");
            JsonNode response = awaitFrame(client, "gpu.status.response", requestId);
            assertThat(response.path("status").asString()).isEqualTo("starting");
        }
    }

    @Test
    void bootFramesRelayedByAnotherServiceReachMonitorsOnEveryInstance() throws Exception {
        String requestId = "boot-" + UUID.randomUUID();
        try (LegacySocket onA = monitor(url(a));
                LegacySocket onB = monitor(url(b))) {
            RelayFrame boot = RelayFrame.newBuilder()
                    .setRelayId(UUID.randomUUID().toString())
                    .setTarget(RelayTarget.MONITORS)
                    .setAddress(null)
                    .setFrameJson("{\"type\":\"gpu.power.boot\",\"source\":\"api\",\"request_id\":\"" + requestId
                            + "\",\"msg\":\"健康检查未找到 GPU\"}")
                    .setOrigin("asset-api-test")
                    .setAt(Instant.now())
                    .build();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            KafkaTestBroker.get().bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                producer.send(Topics.GATEWAY_RELAY.record("MONITORS", boot)).get();
                // an at-least-once duplicate is delivered once
                producer.send(Topics.GATEWAY_RELAY.record("MONITORS", boot)).get();
            }
            assertThat(awaitFrame(onA, "gpu.power.boot", requestId)
                            .path("source")
                            .asString())
                    .isEqualTo("api");
            assertThat(awaitFrame(onB, "gpu.power.boot", requestId)
                            .path("source")
                            .asString())
                    .isEqualTo("api");
            assertThat(onA.quietFor(Duration.ofSeconds(1)))
                    .as("duplicate dropped")
                    .isTrue();
        }
    }

    @Test
    void aMobileTaskReachesThePcOnTheOtherInstanceAndTheMobileGetsTheAck() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (LegacySocket pc = client(url(b), license, "pc");
                LegacySocket mobile = client(url(a), license, "mobile")) {
            String requestId = "mt-" + UUID.randomUUID();
            mobile.send("{\"type\":\"mobile_task\",\"task_type\":\"open\",\"request_id\":\"" + requestId
                    + "\",\"payload\":{\"x\":1}}");
            JsonNode task = awaitFrame(pc, "mobile_task", requestId);
            assertThat(task.path("payload").path("x").asInt()).isEqualTo(1);
            assertThat(awaitFrame(mobile, "ack", requestId).path("msg").asString())
                    .contains("已转发到电脑端");
            pc.send("{\"type\":\"mobile_task_result\",\"request_id\":\"" + requestId + "\",\"sender_fd\":"
                    + task.path("sender_fd").asLong() + ",\"task_type\":\"open\",\"result\":{\"ok\":true}}");
            assertThat(awaitFrame(mobile, "mobile_task_result", requestId)
                            .path("result")
                            .path("ok")
                            .asBoolean())
                    .isTrue();
        }
    }

    @Test
    void redisCountsTheWorkersOfEveryInstanceAndLosesTheMembersOfACrashedOne() throws Exception {
        RedisTestServer redis = RedisTestServer.get();
        String crashed = "gw-crashed-" + UUID.randomUUID() + "-fd1";
        redis.command("SADD dsp:workers " + crashed);
        try (FakeLegacyWorker onA = FakeLegacyWorker.connect(url(a), Mode.SUCCEED);
                FakeLegacyWorker onB = FakeLegacyWorker.connect(url(b), Mode.SUCCEED)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<String> members = members(redis);
                assertThat(members.stream().filter(m -> m.startsWith(A_ID))).hasSize(1);
                assertThat(members.stream().filter(m -> m.startsWith(B_ID))).hasSize(1);
            });
            long since = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> !members(redis).contains(crashed));
            System.out.printf(
                    "stale dsp:workers member removed after %d ms (presence interval 1 s)%n",
                    (System.nanoTime() - since) / 1_000_000);
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> members(redis).stream().noneMatch(m -> m.startsWith(A_ID) || m.startsWith(B_ID)));
    }

    /** SMEMBERS through the harness's one-line client: counts, then reads each member with SRANDMEMBER-free SISMEMBER. */
    private static List<String> members(RedisTestServer redis) throws Exception {
        List<String> out = new ArrayList<>();
        try (var socket = new java.net.Socket("127.0.0.1", redis.port())) {
            socket.setSoTimeout(2000);
            socket.getOutputStream()
                    .write("SMEMBERS dsp:workers\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String header = in.readLine();
            int count = Integer.parseInt(header.substring(1));
            for (int i = 0; i < count; i++) {
                in.readLine(); // $length
                out.add(in.readLine());
            }
        }
        return out;
    }

    private static LegacySocket client(String url, String license, String device) {
        LegacySocket socket = LegacySocket.connect(url);
        socket.next();
        JsonNode registered = socket.send(
                        "{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"" + device + "\"}")
                .next();
        assertThat(registered.path("type").asString()).isEqualTo("registered");
        return socket;
    }

    private static LegacySocket monitor(String url) {
        LegacySocket socket = LegacySocket.connect(url);
        socket.next();
        assertThat(socket.send("{\"type\":\"register\",\"role\":\"gpu_monitor\"}")
                        .next()
                        .path("type")
                        .asString())
                .isEqualTo("registered");
        return socket;
    }

    private static String submit(String requestId, long id) {
        return "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"" + requestId
                + "\",\"payload\":{\"id\":" + id + "}}";
    }

    /** Reads frames until one of this type about this request arrives (others are skipped). */
    static JsonNode awaitFrame(LegacySocket socket, String type, String requestId) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            JsonNode frame = socket.next();
            boolean match = type.equals(frame.path("type").asString())
                    && (requestId.equals(frame.path("request_id").asString())
                            || requestId.equals(frame.path("task_id").asString()));
            if (match) {
                found[0] = frame;
            }
            return match;
        });
        return found[0];
    }
}
