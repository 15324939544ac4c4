package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@AssetApiIntegrationTest
class TaskStreamIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    String license;
    ApiClient app;
    String requestId;
    TaskRequested task;

    @BeforeEach
    void submitATask() {
        license = "stream-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
        requestId = app.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{}}")
                .data()
                .path("request_id")
                .asString();
        task = TestKafka.tasksOf(license).get(0);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                app.get("/api/v1/tasks/" + requestId).data().path("events"))
                        .hasSize(2));
    }

    @Test
    void aLongPollIsAnsweredByTheNextStepNotBefore() {
        CompletableFuture<HttpResponse<String>> poll =
                HTTP.sendAsync(get("/api/v1/tasks/" + requestId + "?wait=20"), HttpResponse.BodyHandlers.ofString());

        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
        publish(TaskEventType.STARTED);

        HttpResponse<String> answer =
                poll.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(answer.body()).path("data");
        assertThat(data.path("status").asString()).isEqualTo("started");
        assertThat(data.path("events")).hasSize(3);
    }

    @Test
    void aLongPollAnswersAtOnceForAFinishedTaskAndWithTheCurrentStateAtItsDeadline() {
        Instant before = Instant.now();
        ApiClient.Answer unchanged = app.get("/api/v1/tasks/" + requestId + "?wait=1");
        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(unchanged.data().path("status").asString()).isEqualTo("queued");
        assertThat(Duration.between(before, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(900));

        publish(TaskEventType.SUCCEEDED);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(app.get("/api/v1/tasks/" + requestId)
                                .data()
                                .path("done")
                                .asBoolean())
                        .isTrue());
        Instant start = Instant.now();
        assertThat(app.get("/api/v1/tasks/" + requestId + "?wait=30")
                        .data()
                        .path("status")
                        .asString())
                .isEqualTo("succeeded");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aLongPollNeverRevealsAnotherLicensesTaskAndRefusesABadWait() {
        String other = "stream-other-" + UUID.randomUUID();
        Licenses.provisionActive(other);
        ApiClient intruder = ApiClient.forLicense(base(), other, "m2");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(intruder.get("/api/asset/list").code()).isZero());

        ApiClient.Answer peek = intruder.get("/api/v1/tasks/" + requestId + "?wait=1");
        assertThat(peek.status()).isEqualTo(404);
        assertThat(peek.msg()).isEqualTo("任务不存在或已过期");
        assertThat(app.get("/api/v1/tasks/" + requestId + "?wait=61").status()).isEqualTo(400);
        assertThat(app.get("/api/v1/tasks/" + requestId + "?wait=-1").status()).isEqualTo(400);
        assertThat(app.get("/api/v1/tasks/" + requestId + "?wait=soon").status())
                .isEqualTo(400);
    }

    @Test
    void theEventStreamSendsEveryStepEndsAfterTheLastAndResumesAfterLastEventId() {
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> stream = HTTP.sendAsync(
                        events(null), HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    response.body().forEach(lines::add);
                    return response;
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> names(lines).size() == 2);
        assertThat(names(lines)).containsExactly("accepted", "queued");
        String queuedId = ids(lines).get(1);

        publish(TaskEventType.STARTED);
        publish(TaskEventType.SUCCEEDED);

        HttpResponse<Stream<String>> ended =
                stream.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(ended.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(names(lines)).containsExactly("accepted", "queued", "started", "succeeded");
        assertThat(lines.stream().filter(l -> l.startsWith("data:")).toList().get(3))
                .contains("\"done\":true");

        HttpResponse<String> resumed = HTTP.sendAsync(events(queuedId), HttpResponse.BodyHandlers.ofString())
                .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .join();
        List<String> resumedLines = resumed.body().lines().toList();
        assertThat(names(resumedLines)).containsExactly("started", "succeeded");
    }

    @Test
    void anUnknownOrForeignTaskHasNoEventStream() {
        HttpResponse<String> missing = HTTP.sendAsync(
                        HttpRequest.newBuilder(URI.create(base() + "/api/v1/tasks/nope/events"))
                                .header("Authorization", "Bearer " + license)
                                .header("X-Machine-Code", "m1")
                                .header("Accept", "text/event-stream")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .join();
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("msg").asString()).isEqualTo("任务不存在或已过期");
    }

    private void publish(TaskEventType type) {
        TestKafka.publish(
                Topics.TASK_EVENTS,
                requestId,
                TaskEvents.about(task, type, "gpu-consumer", Instant.now()).build());
    }

    private static List<String> names(List<String> lines) {
        return lines.stream()
                .filter(l -> l.startsWith("event:"))
                .map(l -> l.substring(6).strip())
                .toList();
    }

    private static List<String> ids(List<String> lines) {
        return lines.stream()
                .filter(l -> l.startsWith("id:"))
                .map(l -> l.substring(3).strip())
                .toList();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", "m1")
                .build();
    }

    private HttpRequest events(String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(base() + "/api/v1/tasks/" + requestId + "/events"))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", "m1")
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return request.build();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
