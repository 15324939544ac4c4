package io.dsp.gpuconsumer.heygem;

import static io.dsp.schemas.avro.TaskEventType.PROGRESS;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.store.ResultStore;
import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code heygem_submit} run by the worker on the simulated engine (8 s, 4 steps), against a real broker. */
@GpuConsumerIntegrationTest
class HeyGemSubmitIT {

    @Autowired
    ResultStore results;

    @Test
    void publishesTheSynthesisProgressAndThenTheVideoInTheCentralResultStore() throws Exception {
        try (DispatchDriver dispatch = new DispatchDriver()) {
            // when
            TaskRequested task = dispatch.release(TestTasks.heyGemSubmit(
                    "license-" + UUID.randomUUID(),
                    "0cc175b9c0f1b6a831c399e269772661",
                    "92eb5ffee6ae2fec3ad71c777531578f"));

            // then
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(dispatch.eventTypes(task.getRequestId())).contains(SUCCEEDED));
            List<TaskEvent> events = dispatch.events(task.getRequestId());
            assertThat(events)
                    .extracting(TaskEvent::getType)
                    .containsExactly(STARTED, PROGRESS, PROGRESS, PROGRESS, PROGRESS, PROGRESS, PROGRESS, SUCCEEDED);
            assertThat(events)
                    .filteredOn(e -> e.getType() == PROGRESS)
                    .extracting(e -> e.getProgress().getPercent())
                    .containsExactly(5, 27, 50, 72, 95, 100);
            JsonNode result =
                    JsonMapper.builder().build().readTree(events.get(7).getResultJson());
            assertThat(result.get("task_id").asString()).isEqualTo(task.getRequestId());
            StoredResult stored = events.get(7).getStored();
            assertThat(stored.getContentType()).isEqualTo("video/mp4");
            assertThat(result.get("sha256").asString()).isEqualTo(stored.getSha256());
            assertThat(result.has("result_location")).isFalse();
            try (InputStream video = results.open(stored.getSha256(), 0)) {
                assertThat(new String(video.readAllBytes(), StandardCharsets.UTF_8))
                        .startsWith("simulated synthesis of");
            }
        }
    }
}
