package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.license.LicenseKeys;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import io.dsp.testkit.ApiClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Metrics on /actuator/prometheus, the caller's trace on the task's Kafka records, and structured JSON logs. */
@AssetApiIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    void aSubmitIsCountedTracedIntoKafkaAndLoggedAsJsonWithItsTraceAndMaskedLicense(CapturedOutput output) {
        String license = "obs-" + UUID.randomUUID();
        ApiClient app = LicensedApp.provision(base(), license);
        double acceptedBefore = metric("dsp_tasks_accepted_total", "task_type=\"echo_test\"", "source=\"asset-api\"");
        double rejectedBefore = metric("dsp_input_rejected_total", "reason=\"bad_request\"", "source=\"asset-api\"");
        TraceContext caller = TraceContext.start();

        HttpResponse<String> response = Http.raw(HttpRequest.newBuilder(URI.create(base() + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", "m1")
                .header("Content-Type", "application/json")
                .header("traceparent", caller.traceparent())
                .POST(HttpRequest.BodyPublishers.ofString("{\"task_type\":\"echo_test\",\"payload\":{}}")));
        app.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{},\"priority\":\"soon\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        String requestId =
                JSON.readTree(response.body()).path("data").path("request_id").asString();
        TraceContext answered = TraceContext.parse(
                        response.headers().firstValue("traceparent").orElseThrow())
                .orElseThrow();
        assertThat(answered.traceId()).isEqualTo(caller.traceId());
        assertThat(answered.spanId()).isNotEqualTo(caller.spanId());

        // The task record and its ACCEPTED step carry this hop's span of the caller's trace.
        ConsumerRecord<byte[], byte[]> task = TestKafka.read(
                        io.dsp.schemas.tenant.TenantTopics.topicName(license), r -> r)
                .get(0);
        assertThat(traceOf(task)).contains(answered);
        List<ConsumerRecord<byte[], byte[]>> steps = TestKafka.read(Topics.TASK_EVENTS.name(), r -> r).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(requestId))
                .toList();
        assertThat(steps)
                .isNotEmpty()
                .allSatisfy(step -> assertThat(traceOf(step)).contains(answered));

        // Counted on /actuator/prometheus.
        assertThat(metric("dsp_tasks_accepted_total", "task_type=\"echo_test\"", "source=\"asset-api\""))
                .isEqualTo(acceptedBefore + 1);
        assertThat(metric("dsp_input_rejected_total", "reason=\"bad_request\"", "source=\"asset-api\""))
                .isEqualTo(rejectedBefore + 1);

        // One JSON object per line, with the trace, the task and the masked license from the MDC.
        JsonNode line = Arrays.stream(output.getOut().split("\n"))
                .filter(l -> l.contains("accepted task requestId=" + requestId))
                .map(l -> JSON.readTree(l.substring(l.indexOf('{'))))
                .findFirst()
                .orElseThrow();
        assertThat(line.path("trace_id").asString()).isEqualTo(caller.traceId());
        assertThat(line.path("request_id").asString()).isEqualTo(requestId);
        assertThat(line.path("license").asString()).isEqualTo(LicenseKeys.mask(license));
        assertThat(line.path("log").path("level").asString()).isEqualTo("INFO");
    }

    private static Optional<TraceContext> traceOf(ConsumerRecord<byte[], byte[]> record) {
        return TraceContext.fromHeaders(record.headers());
    }

    /** The value of one series on /actuator/prometheus (0 when absent). */
    private double metric(String name, String... labels) {
        String body = Http.raw(HttpRequest.newBuilder(URI.create(base() + "/actuator/prometheus")))
                .body();
        return Arrays.stream(body.split("\n"))
                .filter(l -> l.startsWith(name + "{") && Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
