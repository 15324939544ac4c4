package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.core.slot.HandOverSteps;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

@GatewayIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class MetricsAndTraceIT {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    GatewayNode node;

    @Test
    void connectionsWorkersTasksAndRejectedInputAreMeasuredAndOneTraceJoinsEveryRecordOfATask(CapturedOutput output)
            throws Exception {
        String license = "LIC-METRICS-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        String url = "ws://127.0.0.1:" + port + "/dsp";
        String traceId = TraceContext.start().traceId();
        String requestId = "traced-" + UUID.randomUUID();
        try (LegacySocket client = LegacySocket.connect(url);
                FakeLegacyWorker worker = FakeLegacyWorker.connect(url, Mode.SUCCEED)) {
            client.next();
            client.send("{\"type\":\"register\",\"key\":\"" + license + "\"}").next();
            client.send("{\"type\":\"no.such.type\"}");
            client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"" + requestId
                    + "\",\"traceparent\":\"00-" + traceId + "-00f067aa0ba902b7-01\",\"payload\":{\"id\":8}}");
            forwardKeepingHeaders(TenantTopics.topicName(license));
            MultiInstanceIT.awaitFrame(client, "gpu.job.result", requestId);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String metrics = prometheus();
                assertThat(metrics).containsPattern("dsp_ws_connections\\{[^}]*role=\"client\"[^}]*\\} [1-9]");
                assertThat(metrics).containsPattern("dsp_ws_connections\\{[^}]*role=\"worker\"[^}]*\\} [1-9]");
                assertThat(metrics).containsPattern("dsp_workers_online\\{[^}]*kind=\"legacy\"[^}]*\\} [1-9]");
                assertThat(metrics)
                        .containsPattern(
                                "dsp_tasks_accepted_total\\{[^}]*source=\"gateway\",task_type=\"delete_asset\"");
                assertThat(metrics)
                        .containsPattern(
                                "dsp_tasks_succeeded_total\\{[^}]*source=\"gateway\",task_type=\"delete_asset\"");
                assertThat(metrics)
                        .containsPattern("dsp_input_rejected_total\\{[^}]*reason=\"unknown_type\",source=\"gateway\"");
            });

            // every record the gateway wrote about the task carries the client's trace id
            List<String> traces = new ArrayList<>();
            List<TaskEventType> types = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : read(Topics.TASK_EVENTS.name(), 3)) {
                TaskEvent event = Topics.TASK_EVENTS.value(record);
                if (event.getRequestId().equals(ClientRequestIds.scoped(license, requestId))) {
                    types.add(event.getType());
                    traces.add(TraceContext.fromHeaders(record.headers())
                            .map(TraceContext::traceId)
                            .orElse("none"));
                }
            }
            assertThat(types).contains(TaskEventType.ACCEPTED, TaskEventType.STARTED, TaskEventType.SUCCEEDED);
            assertThat(traces).containsOnly(traceId);
            assertThat(read(TenantTopics.topicName(license), 1))
                    .allSatisfy(r -> assertThat(TraceContext.fromHeaders(r.headers()))
                            .hasValueSatisfying(t -> assertThat(t.traceId()).isEqualTo(traceId)));
        }
        // the structured log line of the acceptance names the trace and the masked key, never the key
        String accepted = output.getOut()
                .lines()
                .filter(l -> l.contains("accepted requestId=" + ClientRequestIds.scoped(license, requestId)))
                .findFirst()
                .orElseThrow();
        assertThat(accepted)
                .startsWith("{")
                .contains("\"trace_id\":\"" + traceId + "\"")
                .contains("\"license\":\"LIC***")
                .doesNotContain(license);
    }

    @Test
    void aLegacySlotTimesEachStepOfItsHandOverBetweenTwoTasks() throws Exception {
        // given a legacy worker with one slot, and the gateway's hand-over timers as they stand
        Map<String, Long> before = handOverCounts();
        String license = "LIC-HANDOVER-" + UUID.randomUUID();
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(
                "ws://127.0.0.1:" + port + "/dsp",
                Mode.SUCCEED,
                "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\",\"slots\":1,"
                        + "\"task_types\":[\"delete_asset\"]}")) {
            String slotsOfThisGateway = node.id() + "-";
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaProbe.legacySlotMembers(slotsOfThisGateway) == 1);

            // when two tasks run there one after the other
            List<String> ran = new ArrayList<>();
            for (long asset = 1; asset <= 2; asset++) {
                TaskRequested task = Tasks.deleteAsset(license, asset);
                KafkaProbe.dispatch(List.of(task));
                assertThat(KafkaProbe.values(
                                Topics.TASK_EVENTS,
                                1,
                                Duration.ofSeconds(30),
                                e -> e.getRequestId().equals(task.getRequestId())
                                        && e.getType() == TaskEventType.SUCCEEDED))
                        .as("the success of %s", task.getRequestId())
                        .hasSize(1);
                ran.add(task.getRequestId());
            }
            assertThat(worker.requestIds()).containsAll(ran);
        }

        // then each step of a legacy slot's hand-over was timed for both tasks, and the fetch of the second one
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Long> after = handOverCounts();
            assertThat(HandOverSteps.LEGACY)
                    .allSatisfy(step -> assertThat(after.get(step.tag()) - before.get(step.tag()))
                            .as("timed %s steps", step.tag())
                            .isGreaterThanOrEqualTo(step == HandOverSteps.Step.FETCH ? 1L : 2L));
        });
        assertThat(prometheus())
                .containsPattern("dsp_worker_task_handover_seconds_count\\{[^}]*source=\"gateway\",step=\"frame\"");
    }

    /** How many times each step of a legacy slot's hand-over was timed on this gateway. */
    private Map<String, Long> handOverCounts() {
        Map<String, Long> counts = new java.util.HashMap<>();
        for (HandOverSteps.Step step : HandOverSteps.LEGACY) {
            Timer timer = meters.find(MetricNames.HANDOVER)
                    .tag(MetricNames.TAG_SOURCE, "gateway")
                    .tag(MetricNames.TAG_STEP, step.tag())
                    .timer();
            counts.put(step.tag(), timer == null ? 0 : timer.count());
        }
        return counts;
    }

    private String prometheus() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The dispatcher's hop, keeping the record's trace header as the dispatcher does. */
    private static void forwardKeepingHeaders(String tenantTopic) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = read(tenantTopic, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                ProducerRecord<byte[], byte[]> out =
                        new ProducerRecord<>(Topics.DISPATCH.name(), record.key(), record.value());
                TraceContext.continueOrStart(record.headers()).writeTo(out.headers());
                producer.send(out).get();
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(200));
                batch.forEach(out::add);
                if (!batch.isEmpty()) {
                    quietSince = System.nanoTime();
                } else if (out.size() >= atLeast
                        && System.nanoTime() - quietSince
                                > Duration.ofSeconds(1).toNanos()) {
                    break;
                }
            }
        }
        return out;
    }
}
