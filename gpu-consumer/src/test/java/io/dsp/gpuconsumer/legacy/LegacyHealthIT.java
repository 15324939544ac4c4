package io.dsp.gpuconsumer.legacy;

import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.gpuconsumer.support.TestHandlers.GatedHandler;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.TaskRequested;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/heygem/health} over real HTTP, in the legacy GPU server's shape. */
@GpuConsumerIntegrationTest
class LegacyHealthIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    GatedHandler gated;

    @AfterEach
    void openTheGate() {
        gated.open();
    }

    @Test
    void answersInTheLegacyShapeWithoutAuthentication() {
        // once no task of another test runs here any more
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = get();

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(response.body())
                    .isEqualTo("{\"code\":0,\"msg\":\"ok\",\"initialized\":true,\"queue\":"
                            + "{\"total_tasks\":0,\"processing\":0,\"queued\":0,\"max_concurrent\":3}}");
        });
    }

    @Test
    void countsTheTasksRunningNow() throws Exception {
        try (DispatchDriver dispatch = new DispatchDriver()) {
            // given a task that runs until the test lets it finish
            gated.close();
            TaskRequested task =
                    dispatch.release(TestTasks.generic("license-" + UUID.randomUUID(), TestHandlers.GATED));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(dispatch.eventTypes(task.getRequestId())).containsExactly(STARTED));

            // then the health says one is processing
            JsonNode queue = json.readTree(get().body()).get("queue");
            assertThat(queue.get("processing").asInt()).isEqualTo(1);
            assertThat(queue.get("total_tasks").asInt()).isEqualTo(1);
            assertThat(queue.get("queued").asInt()).isZero();
            assertThat(queue.get("max_concurrent").asInt()).isEqualTo(3);
        }
    }

    private HttpResponse<String> get() throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/heygem/health"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
