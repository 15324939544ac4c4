package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.gateway.support.Gateways;
import io.dsp.gateway.support.HostileSocket;
import io.dsp.gateway.support.HostileSocket.Answer;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Hostile input over real WebSocket connections, generated with jqwik: malformed JSON, wrong field types, huge and
 * binary frames, unknown and gateway-only types, floods, forged {@code sender_fd}, worker frames from clients, client
 * frames from monitors, registrations with other license keys. Each must get an error frame (with {@code msg} and
 * {@code message}) or a close, never crash the gateway, never disturb other connections, and never write to Kafka.
 */
class HostileInputIT {

    enum Role {
        NONE,
        CLIENT,
        MOBILE,
        MONITOR
    }

    enum Expect {
        /** An error frame with msg and message, or a close. */
        ERROR_OR_CLOSE,
        /** At least one error frame among the answers, or a close. */
        SOME_ERROR,
        /** Dropped silently (legacy: non-JSON text that is not a URL); the connection stays usable. */
        SILENCE
    }

    /** One generated attack: who sends it and what. Frames are String (text) or byte[] (binary). */
    record Hostile(String label, Role role, List<Object> frames, Expect expect) {
        @Override
        public String toString() {
            return label + " as " + role + " (" + frames.size() + " frames)";
        }
    }

    static final String LICENSE = "LIC-FUZZ-" + UUID.randomUUID();
    static final String OTHER_LICENSE = "LIC-FUZZ-OTHER-" + UUID.randomUUID();
    static final String DISABLED_LICENSE = "LIC-FUZZ-DISABLED-" + UUID.randomUUID();
    static final AtomicInteger INPUTS = new AtomicInteger();
    static final AtomicInteger FRAMES = new AtomicInteger();
    static final AtomicInteger CLOSES = new AtomicInteger();

    static ConfigurableApplicationContext gateway;
    static String url;
    static HostileSocket sentinelClient;
    static HostileSocket sentinelMonitor;
    static long sentinelFd;
    static KafkaConsumer<byte[], byte[]> offsets;
    static List<TopicPartition> watched;
    static long writtenAtStart;
    /** Relayed frames; the instances' alive beats (target UNKNOWN, every few seconds) are not input's doing. */
    static TopicTail<String, RelayFrame> relay;

    @BeforeContainer
    static void start() throws Exception {
        Licenses.provisionActive(LICENSE);
        Licenses.provisionActive(OTHER_LICENSE);
        Licenses.provision(io.dsp.schemas.avro.License.newBuilder(Licenses.active(DISABLED_LICENSE))
                .setStatus(io.dsp.schemas.avro.LicenseStatus.DISABLED)
                .build());
        gateway = Services.start(GatewayApplication.builder(), Map.of());
        url = Gateways.url(gateway);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers()))) {
            for (Priority priority : Priority.values()) {
                try {
                    admin.createTopics(List.of(
                                    TenantTopics.forLicense(LICENSE, priority).newTopic((short) 1)))
                            .all()
                            .get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        offsets = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        watched = new ArrayList<>();
        for (String topic : List.of(
                Topics.TASK_EVENTS.name(),
                Topics.TASK_CONTROL.name(),
                TenantTopics.topicName(LICENSE),
                TenantTopics.topicName(LICENSE, Priority.HIGH))) {
            offsets.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> watched.add(new TopicPartition(p.topic(), p.partition())));
        }
        sentinelClient = HostileSocket.connect(url);
        sentinelFd = expectFrame(sentinelClient).path("fd").asLong();
        sentinelClient.text("{\"type\":\"register\",\"key\":\"" + OTHER_LICENSE + "\",\"device_type\":\"mobile\"}");
        assertThat(expectFrame(sentinelClient).path("type").asString()).isEqualTo("registered");
        sentinelMonitor = HostileSocket.connect(url);
        expectFrame(sentinelMonitor);
        sentinelMonitor.text("{\"type\":\"register\",\"role\":\"gpu_monitor\"}");
        assertThat(expectFrame(sentinelMonitor).path("type").asString()).isEqualTo("registered");
        relay = TopicTail.fromEnd(Topics.GATEWAY_RELAY);
        writtenAtStart = written();
    }

    @AfterContainer
    static void stop() {
        try {
            System.out.printf(
                    "hostile input: %d inputs tried (%d frames), %d answered by a close, Kafka records written: %d%n",
                    INPUTS.get(), FRAMES.get(), CLOSES.get(), written() - writtenAtStart);
            sentinelsUnaffected("every input");
            try (HostileSocket fresh = HostileSocket.connect(url)) {
                assertThat(expectFrame(fresh).path("type").asString()).isEqualTo("connected");
            }
            // the relay is read by a tail: give it a moment to see anything written late
            org.awaitility.Awaitility.await()
                    .during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> written() == writtenAtStart);
        } finally {
            sentinelClient.close();
            sentinelMonitor.close();
            offsets.close();
            try {
                relay.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gateway.close();
        }
    }

    @Property(tries = 400)
    void hostileInputGetsAnErrorOrACloseAndChangesNothing(@ForAll("hostile") Hostile input) {
        INPUTS.incrementAndGet();
        long before = written();
        try (HostileSocket socket = HostileSocket.connect(url)) {
            expectFrame(socket); // connected
            register(socket, input.role());
            for (Object frame : input.frames()) {
                FRAMES.incrementAndGet();
                if (frame instanceof byte[] bytes) {
                    socket.binary(bytes);
                } else {
                    socket.text((String) frame);
                }
            }
            check(socket, input);
        }
        assertThat(written()).as("Kafka records written for %s", input).isEqualTo(before);
        // Every fifth input, so that fast inputs never push the sentinels past the per-connection frame rate.
        if (INPUTS.get() % 5 == 0) {
            sentinelsUnaffected(input.toString());
        }
    }

    private static void sentinelsUnaffected(String after) {
        for (HostileSocket sentinel : List.of(sentinelClient, sentinelMonitor)) {
            sentinel.text("{\"type\":\"ping\"}");
            JsonNode answer = expectFrame(sentinel);
            assertThat(answer.path("type").asString())
                    .as("an unaffected connection after %s: %s", after, answer)
                    .isEqualTo("pong");
        }
    }

    private static void check(HostileSocket socket, Hostile input) {
        switch (input.expect()) {
            case SILENCE -> {
                socket.text("{\"type\":\"ping\"}");
                assertThat(expectFrame(socket).path("type").asString())
                        .as(input.toString())
                        .isEqualTo("pong");
            }
            case ERROR_OR_CLOSE, SOME_ERROR -> {
                while (true) {
                    Answer answer = socket.next(Duration.ofSeconds(15));
                    assertThat(answer).as("an error or a close for %s", input).isNotNull();
                    if (answer.closed()) {
                        CLOSES.incrementAndGet();
                        return;
                    }
                    JsonNode frame = answer.frame();
                    String type = frame.path("type").asString("");
                    if (type.equals("error")) {
                        assertThat(frame.path("msg").asString(""))
                                .as(input.toString())
                                .isNotBlank();
                        assertThat(frame.path("message").asString(""))
                                .isEqualTo(frame.path("msg").asString());
                        return;
                    }
                    assertThat(type)
                            .as("only pongs may come before the error for %s", input)
                            .isEqualTo("pong");
                }
            }
        }
    }

    private static void register(HostileSocket socket, Role role) {
        String frame = switch (role) {
            case NONE -> null;
            case CLIENT -> "{\"type\":\"register\",\"key\":\"" + LICENSE + "\",\"device_type\":\"pc\"}";
            case MOBILE -> "{\"type\":\"register\",\"key\":\"" + LICENSE + "\",\"device_type\":\"mobile\"}";
            case MONITOR -> "{\"type\":\"register\",\"role\":\"gpu_monitor\"}";
        };
        if (frame != null) {
            socket.text(frame);
            assertThat(expectFrame(socket).path("type").asString()).isEqualTo("registered");
        }
    }

    private static JsonNode expectFrame(HostileSocket socket) {
        Answer answer = socket.next(Duration.ofSeconds(15));
        assertThat(answer).as("a frame").isNotNull();
        assertThat(answer.closed()).as("the connection stays open").isFalse();
        return answer.frame();
    }

    private static long written() {
        long relayed = relay.values().stream()
                .filter(f -> f.getTarget() != RelayTarget.UNKNOWN)
                .count();
        return relayed
                + offsets.endOffsets(watched).values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
    }

    // ---- generators ----

    @Provide
    Arbitrary<Hostile> hostile() {
        return Arbitraries.oneOf(
                malformedJson(),
                wrongTypes(),
                badRegistrations(),
                huge(),
                binary(),
                unknownTypes(),
                gatewayOnlyTypes(),
                flood(),
                forgedSenderFd(),
                workerFramesFromAClient(),
                clientFramesFromAMonitor(),
                plainText());
    }

    private static Arbitrary<Role> anyRole() {
        return Arbitraries.of(Role.values());
    }

    private Arbitrary<Hostile> malformedJson() {
        Arbitrary<String> valid = Arbitraries.of(
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":1}}",
                "{\"type\":\"register\",\"key\":\"" + LICENSE + "\"}",
                "[{\"type\":\"ping\"}]",
                "{\"type\":\"gpu.status.query\",\"request_id\":\"x\"}");
        return Combinators.combine(valid, Arbitraries.doubles().between(0.05, 0.95), anyRole())
                .as((text, cut, role) -> new Hostile(
                        "truncated JSON",
                        role,
                        List.of(text.substring(0, Math.max(1, (int) (text.length() * cut)))),
                        Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> wrongTypes() {
        Arbitrary<String> badValue = Arbitraries.of(
                "123", "true", "[]", "{}", "null", "\"\"", "\"BAD TYPE!\"", "1.5e300", "\"" + "x".repeat(300) + "\"");
        Arbitrary<String> field = Arbitraries.of("task_type", "payload", "request_id", "priority", "payload.id");
        // 123 is a valid asset id: as payload.id it would make a valid task
        return Combinators.combine(field, badValue)
                .filter((f, v) -> !(f.equals("payload.id") && v.equals("123")))
                .as((f, v) -> {
                    String taskType = f.equals("task_type") ? v : "\"delete_asset\"";
                    String requestId = f.equals("request_id") ? v : "\"fuzz-" + UUID.randomUUID() + "\"";
                    String priority = f.equals("priority") ? ",\"priority\":" + v : "";
                    String payload = f.equals("payload") ? v : f.equals("payload.id") ? "{\"id\":" + v + "}" : "{}";
                    // a payload without id is itself invalid for delete_asset, so every frame has at least one bad
                    // field
                    return new Hostile(
                            "wrong type of " + f,
                            Role.CLIENT,
                            List.of("{\"type\":\"gpu.job.submit\",\"task_type\":" + taskType + ",\"request_id\":"
                                    + requestId + priority + ",\"payload\":" + payload + "}"),
                            Expect.ERROR_OR_CLOSE);
                });
    }

    private Arbitrary<Hostile> badRegistrations() {
        return Arbitraries.of(
                new Hostile(
                        "register with another license key",
                        Role.CLIENT,
                        List.of("{\"type\":\"register\",\"key\":\"" + OTHER_LICENSE + "\"}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "register with a disabled license key",
                        Role.NONE,
                        List.of("{\"type\":\"register\",\"key\":\"" + DISABLED_LICENSE + "\"}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "worker with an unknown kind",
                        Role.NONE,
                        List.of("{\"type\":\"register\",\"role\":\"worker\",\"kind\":\"quantum\"}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "automation worker declaring a GPU task type",
                        Role.NONE,
                        List.of("{\"type\":\"register\",\"role\":\"worker\",\"kind\":\"automation\","
                                + "\"task_types\":[\"heygem_submit\"]}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "client becomes a monitor",
                        Role.CLIENT,
                        List.of("{\"type\":\"register\",\"role\":\"gpu_monitor\"}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "monitor becomes a worker",
                        Role.MONITOR,
                        List.of("{\"type\":\"register\",\"role\":\"worker\"}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "worker with bad slots",
                        Role.NONE,
                        List.of("{\"type\":\"register\",\"role\":\"worker\",\"slots\":\"many\"}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "worker with too many slots",
                        Role.NONE,
                        List.of("{\"type\":\"register\",\"role\":\"worker\",\"slots\":100000}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "worker with bad task types",
                        Role.NONE,
                        List.of("{\"type\":\"register\",\"role\":\"worker\",\"task_types\":[1,2]}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "register with a number key",
                        Role.NONE,
                        List.of("{\"type\":\"register\",\"key\":12345}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "register with a huge key",
                        Role.NONE,
                        List.of("{\"type\":\"register\",\"key\":\"" + "k".repeat(5000) + "\"}"),
                        Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> huge() {
        return Combinators.combine(Arbitraries.integers().between(65_537, 400_000), anyRole())
                .as((size, role) -> new Hostile(
                        "huge frame of " + size + " bytes",
                        role,
                        List.of("{\"type\":\"ping\",\"pad\":\"" + "a".repeat(size) + "\"}"),
                        Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> binary() {
        return Combinators.combine(
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2048), anyRole())
                .as((bytes, role) -> new Hostile("binary frame", role, List.of(bytes), Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> unknownTypes() {
        Arbitrary<String> names = Arbitraries.strings()
                .withCharRange('!', '~')
                .withChars('中', '文', '\u0000')
                .ofMinLength(0)
                .ofMaxLength(40)
                .filter(s -> io.dsp.gateway.protocol.MessageType.fromWire(s).isEmpty());
        Arbitrary<String> frames = Arbitraries.oneOf(
                names.map(n -> "{\"type\":"
                        + tools.jackson.databind.json.JsonMapper.builder()
                                .build()
                                .writeValueAsString(n)
                        + "}"),
                Arbitraries.of(
                        "{\"type\":1}",
                        "{\"type\":null}",
                        "{\"type\":[\"ping\"]}",
                        "{\"type\":{\"a\":1}}",
                        "{}",
                        "[]",
                        "null",
                        "123",
                        "\"ping\""));
        return Combinators.combine(frames, anyRole())
                .as((frame, role) ->
                        new Hostile("unknown or missing type", role, List.of(frame), Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> gatewayOnlyTypes() {
        Arbitrary<String> types = Arbitraries.of(
                "connected",
                "registered",
                "ack",
                "error",
                "kicked",
                "gpu.power.offline",
                "gpu_offline",
                "gpu.job.dispatch.batch");
        return Combinators.combine(types, anyRole())
                .as((type, role) -> new Hostile(
                        "gateway-only type " + type,
                        role,
                        List.of("{\"type\":\"" + type + "\",\"request_id\":\"r\",\"data\":{\"jobs\":[]}}"),
                        Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> flood() {
        return Combinators.combine(Arbitraries.integers().between(60, 150), Arbitraries.of(Role.NONE, Role.CLIENT))
                .as((count, role) -> {
                    List<Object> frames = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        frames.add("{\"type\":\"ping\"}");
                    }
                    return new Hostile("flood of " + count + " pings", role, frames, Expect.SOME_ERROR);
                });
    }

    private Arbitrary<Hostile> forgedSenderFd() {
        return Arbitraries.of(
                new Hostile(
                        "mobile_task_result to another license's connection",
                        Role.CLIENT,
                        List.of("{\"type\":\"mobile_task_result\",\"request_id\":\"r\",\"sender_fd\":" + sentinelFd
                                + ",\"task_type\":\"x\",\"result\":{\"stolen\":true}}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "worker result with another license's sender_fd from a client",
                        Role.CLIENT,
                        List.of("{\"type\":\"gpu.job.result\",\"request_id\":\"r\",\"key\":\"" + OTHER_LICENSE
                                + "\",\"sender_fd\":" + sentinelFd + ",\"result\":{\"forged\":true}}"),
                        Expect.ERROR_OR_CLOSE),
                new Hostile(
                        "legacy result with another license's sender_fd from a client",
                        Role.MOBILE,
                        List.of("{\"type\":\"result\",\"key\":\"" + OTHER_LICENSE + "\",\"sender_fd\":" + sentinelFd
                                + ",\"content\":\"forged\"}"),
                        Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> workerFramesFromAClient() {
        Arbitrary<String> frames = Arbitraries.of(
                "{\"type\":\"gpu.job.result\",\"request_id\":\"r\",\"result\":{}}",
                "{\"type\":\"gpu_task_result\",\"request_id\":\"r\",\"error\":true,\"error_msg\":\"x\"}",
                "{\"type\":\"gpu.task.progress\",\"task_id\":\"r\",\"key\":\"" + OTHER_LICENSE
                        + "\",\"status\":\"done\",\"progress\":100}",
                "{\"type\":\"gpu.task.active\",\"task_id\":\"r\",\"task_type\":\"x\"}",
                "{\"type\":\"chatglm_video_result\",\"key\":\"" + OTHER_LICENSE + "\",\"video_url\":\"http://x\"}",
                "{\"type\":\"gpu.status.response\",\"status\":\"running\"}",
                "{\"type\":\"gpu.power.boot.result\",\"success\":true}");
        return Combinators.combine(frames, Arbitraries.of(Role.NONE, Role.CLIENT, Role.MOBILE))
                .as((frame, role) -> new Hostile("worker/monitor frame", role, List.of(frame), Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> clientFramesFromAMonitor() {
        return Arbitraries.of(
                        "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":1}}",
                        "{\"type\":\"gpu_task\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":1}}",
                        "{\"type\":\"gpu.job.cancel\",\"request_id\":\"r\"}",
                        "{\"type\":\"mobile_task\",\"task_type\":\"x\"}",
                        "{\"type\":\"mobile_task_result\",\"request_id\":\"r\",\"sender_fd\":" + sentinelFd + "}",
                        "{\"type\":\"sync\",\"target_device\":\"mobile\"}",
                        "{\"type\":\"url\",\"url\":\"https://example.com/v.mp4\"}",
                        "{\"type\":\"chatglm_video\",\"content\":\"x\"}")
                .map(frame -> new Hostile(
                        "client frame from a monitor", Role.MONITOR, List.of(frame), Expect.ERROR_OR_CLOSE));
    }

    private Arbitrary<Hostile> plainText() {
        return Combinators.combine(
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .withChars(' ', '中', '!')
                                .ofMinLength(1)
                                .ofMaxLength(200),
                        anyRole())
                .as((text, role) -> new Hostile("plain text", role, List.of("x" + text), Expect.SILENCE));
    }
}
