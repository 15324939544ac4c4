package io.dsp.console;

import static io.dsp.console.board.Records.deadLetter;
import static io.dsp.console.board.Records.event;
import static io.dsp.console.board.Records.facts;
import static io.dsp.console.board.Records.onWorker;
import static io.dsp.console.board.Records.presence;
import static io.dsp.console.board.Records.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.DspIntegrationTest;
import io.dsp.testkit.Services;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The console against the real test broker: records written with the schemas' serdes, as the services write them,
 * show up in its JSON API, its live stream and its metrics, with license keys masked; a console started later
 * rebuilds the same board from the topics.
 */
@DspIntegrationTest
@TestPropertySource(properties = {"spring.config.name=console", "dsp.console.push-interval=200ms"})
class BoardApiIT {

    /** A lane no dispatcher feeds: these made-up workers must never open a release window for real tasks. */
    private static final String LANE = "console-it";

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static String license() {
        return "console-api-" + UUID.randomUUID() + "-A1";
    }

    private static WorkerPresence liveWorker(String workerId, int slots, int inFlight) {
        WorkerPresence presence = presence(workerId, LANE, slots, inFlight, false, Instant.now());
        // Long beats, so the worker stays live however slow the machine is.
        presence.setHeartbeatIntervalMs(Duration.ofMinutes(5).toMillis());
        return presence;
    }

    @Test
    void theBoardShowsTheFleetBacklogsTaskLivesAndDeadLettersWithKeysMasked() {
        // given records of every kind, written as the services write them
        String license = license();
        String workerId = "console-it-" + UUID.randomUUID();
        Instant now = Instant.now();
        TaskRequested task = task("req-" + UUID.randomUUID(), license, Priority.HIGH, now.minusSeconds(5));
        TaskRequested dead = task("dead-" + UUID.randomUUID(), license, Priority.NORMAL, now.minusSeconds(9));
        TestTopics.send(Topics.WORKERS, workerId, liveWorker(workerId, 4, 1));
        TestTopics.send(Topics.QUEUE_FACTS, license, facts(license, 3, 1, now.minusSeconds(20), now));
        TestTopics.send(
                Topics.TASK_EVENTS, task.getRequestId(), event(task, TaskEventType.ACCEPTED, now.minusSeconds(5)));
        TestTopics.send(
                Topics.TASK_EVENTS, task.getRequestId(), event(task, TaskEventType.DISPATCHED, now.minusSeconds(4)));
        TestTopics.send(
                Topics.TASK_EVENTS,
                task.getRequestId(),
                onWorker(task, TaskEventType.STARTED, now.minusSeconds(3), workerId, 1));
        TestTopics.send(
                Topics.TASK_EVENTS,
                task.getRequestId(),
                onWorker(task, TaskEventType.SUCCEEDED, now.minusSeconds(1), workerId, 1));
        TestTopics.send(
                Topics.DEAD_LETTERS, dead.getRequestId(), deadLetter(dead, "gave up on " + license, workerId, now));

        // then the board shows each of them
        String masked = "con***A1";
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode board = Http.json(url("/console/api/board"));
            JsonNode worker = find(board.path("workers"), "workerId", workerId);
            assertThat(worker.path("slots").asInt()).isEqualTo(4);
            assertThat(worker.path("inFlight").asInt()).isEqualTo(1);
            assertThat(worker.path("live").asBoolean()).isTrue();
            assertThat(worker.path("lane").asString()).isEqualTo(LANE);

            JsonNode taskRow = find(board.path("tasks"), "requestId", task.getRequestId());
            assertThat(taskRow.path("tenant").asString()).isEqualTo(masked);
            assertThat(taskRow.path("status").asString()).isEqualTo("succeeded");
            assertThat(taskRow.path("priority").asString()).isEqualTo("high");
            assertThat(taskRow.path("workerId").asString()).isEqualTo(workerId);
            assertThat(taskRow.path("runMs").asLong()).isEqualTo(2000);
            assertThat(taskRow.path("totalMs").asLong()).isEqualTo(4000);
            assertThat(taskRow.path("steps")
                            .valueStream()
                            .map(s -> s.path("type").asString()))
                    .containsExactly("accepted", "dispatched", "started", "succeeded");

            JsonNode letter = find(board.path("deadLetters"), "requestId", dead.getRequestId());
            assertThat(letter.path("lastError").asString()).isEqualTo("gave up on " + masked);
            assertThat(letter.path("reason").asString()).isEqualTo("delivery_limit");
            assertThat(board.path("caughtUp").asBoolean()).isTrue();
        });
        // the tenant's row: other tests' tenants may share the mask, so look for these exact numbers
        JsonNode tenants = Http.json(url("/console/api/tenants"));
        assertThat(tenants.valueStream()
                        .filter(t -> t.path("tenant").asString().equals(masked))
                        .filter(t -> t.path("waiting").asLong() == 3
                                && t.path("inFlight").asInt() == 1))
                .singleElement()
                .satisfies(t -> assertThat(t.path("oldestWaitMs").asLong()).isGreaterThanOrEqualTo(20_000));

        // and no answer carries the key itself
        for (String path : List.of("/console/api/board", "/console/api/tasks", "/console/api/dead-letters")) {
            assertThat(Http.get(url(path)).body()).doesNotContain(license);
        }
        assertThat(Http.json(url("/console/api/tasks/" + task.getRequestId()))
                        .path("status")
                        .asString())
                .isEqualTo("succeeded");
    }

    @Test
    void aWorkerThatLeavesDisappearsFromTheFleet() {
        String workerId = "console-it-" + UUID.randomUUID();
        TestTopics.send(Topics.WORKERS, workerId, liveWorker(workerId, 2, 0));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(workerIds(Http.json(url("/console/api/workers"))))
                        .contains(workerId));

        TestTopics.send(Topics.WORKERS, workerId, null);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(workerIds(Http.json(url("/console/api/workers"))))
                        .doesNotContain(workerId));
    }

    @Test
    void theLiveStreamPushesABoardOnConnectAndAgainWhenSomethingChanges() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/console/api/stream")))
                .header("Accept", "text/event-stream")
                .build();
        CompletableFuture<HttpResponse<Stream<String>>> opened =
                HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response = opened.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        Thread reader = new Thread(() -> response.body().forEach(line -> {
            if (line.startsWith("data:")) {
                events.add(line.substring(5));
                arrivals.add(System.nanoTime());
            }
        }));
        reader.setDaemon(true);
        reader.start();
        try {
            // the current board at once
            await().atMost(Duration.ofSeconds(30)).until(() -> !events.isEmpty());
            assertThat(Http.parse(events.get(0)).has("summary")).isTrue();

            // when a worker joins, then a pushed board shows it without asking
            String workerId = "console-it-" + UUID.randomUUID();
            long joined = System.nanoTime();
            TestTopics.send(Topics.WORKERS, workerId, liveWorker(workerId, 3, 0));
            await().atMost(Duration.ofSeconds(60)).until(() -> events.stream().anyMatch(e -> e.contains(workerId)));
            int index = indexOfFirst(events, workerId);
            System.out.printf(
                    "live stream: worker visible %d ms after its presence was acknowledged; %d boards pushed%n",
                    (arrivals.get(index) - joined) / 1_000_000, events.size());
        } finally {
            response.body().close();
        }
    }

    @Test
    void aConsoleStartedLaterRebuildsTheBoardFromTheTopics() {
        // given records written while no second console runs
        String license = license();
        String workerId = "console-it-" + UUID.randomUUID();
        TaskRequested task = task("req-" + UUID.randomUUID(), license, Priority.NORMAL, Instant.now());
        TestTopics.send(Topics.WORKERS, workerId, liveWorker(workerId, 5, 2));
        TestTopics.send(Topics.TASK_EVENTS, task.getRequestId(), event(task, TaskEventType.ACCEPTED, Instant.now()));
        TestTopics.send(Topics.DEAD_LETTERS, task.getRequestId(), deadLetter(task, "boom", workerId, Instant.now()));

        // when another console starts, then it shows them, read from Kafka alone
        ConfigurableApplicationContext second = Services.start(ConsoleApplication.builder(), Map.of());
        try {
            String base = "http://127.0.0.1:"
                    + ((WebServerApplicationContext) second).getWebServer().getPort();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode board = Http.json(base + "/console/api/board");
                assertThat(board.path("caughtUp").asBoolean()).isTrue();
                assertThat(find(board.path("workers"), "workerId", workerId)
                                .path("slots")
                                .asInt())
                        .isEqualTo(5);
                assertThat(find(board.path("tasks"), "requestId", task.getRequestId())
                                .path("status")
                                .asString())
                        .isEqualTo("accepted");
                assertThat(find(board.path("deadLetters"), "requestId", task.getRequestId())
                                .path("lastError")
                                .asString())
                        .isEqualTo("boom");
            });
            assertThat(Http.get(base + "/actuator/health").body()).contains("\"board\"");
        } finally {
            second.close();
        }
    }

    @Test
    void prometheusCountsLiveWorkersPerKindAndShowsTheConsolesOwnMeters() {
        String workerId = "console-it-" + UUID.randomUUID();
        TestTopics.send(Topics.WORKERS, workerId, liveWorker(workerId, 3, 2));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String metrics = Http.get(url("/actuator/prometheus")).body();
            assertThat(metrics).containsPattern("dsp_workers_online\\{kind=\"native\"} [1-9]");
            assertThat(metrics).contains("dsp_workers_online{kind=\"legacy\"}");
            assertThat(metrics).containsPattern("dsp_view_records_applied_total\\{[^}]*view=\"console-board\"");
            assertThat(metrics).contains("dsp_console_live_clients");
        });
    }

    @Test
    void bootGeneratesNoDefaultUserAndTheApiKeepsNoHttpSession() {
        assertThat(context.getBeanNamesForType(UserDetailsService.class)).isEmpty();
        assertThat(Http.get(url("/console/api/board")).headers().allValues("Set-Cookie"))
                .noneMatch(cookie -> cookie.startsWith("JSESSIONID"));
    }

    @Test
    void thePageIsServedAtTheRootAndAnUnknownTaskIsAClearNotFound() {
        HttpResponse<String> page = Http.get(url("/console/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>DSP console</title>").doesNotContain("http://", "https://");
        assertThat(Http.get(url("/console/console.js")).statusCode()).isEqualTo(200);
        assertThat(Http.get(url("/")).statusCode()).isEqualTo(302);

        HttpResponse<String> unknown = Http.get(url("/console/api/tasks/no-such-task"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No task no-such-task among the console's recent tasks");
    }

    private static JsonNode find(JsonNode rows, String field, String value) {
        return rows.valueStream()
                .filter(r -> r.path(field).asString().equals(value))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row with " + field + "=" + value));
    }

    private static List<String> workerIds(JsonNode workers) {
        List<String> ids = new ArrayList<>();
        workers.valueStream().forEach(w -> ids.add(w.path("workerId").asString()));
        return ids;
    }

    private static int indexOfFirst(List<String> events, String text) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
