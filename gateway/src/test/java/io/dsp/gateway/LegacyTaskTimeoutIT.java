package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.Services;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A task whose legacy worker never answers ends {@code FAILED} ({@code TIMEOUT}) after its type's timeout, not after
 * the longest one: {@code ws_client.py} drops without a word a task it was handed before (spec 2.9), so a delete handed
 * again to the same process after its socket dropped would otherwise hold its slot for an hour.
 */
class LegacyTaskTimeoutIT {

    static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void startAGateway() {
        gateway = Services.start(
                GatewayApplication.builder(),
                Map.of(
                        "dsp.gateway.node-id",
                        "gw-timeout-" + UUID.randomUUID().toString().substring(0, 8),
                        // the fallback stays at its default (1 h): only the type's own timeout can end it in time
                        "dsp.gateway.task-timeouts.delete_asset",
                        "2s"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aDeleteItsWorkerNeverAnswersFailsAfterTheDeleteTimeout() {
        try (FakeLegacyWorker worker = FakeLegacyWorker.connect(url(), Mode.HOLD)) {
            // given a legacy worker that takes tasks and never answers
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaProbe.legacySlotMembers() > 0);

            // when a delete reaches it
            TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 71);
            KafkaProbe.dispatch(List.of(task));

            // then it was handed over, and ends FAILED with TIMEOUT once the delete's timeout has passed
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(task.getRequestId()));
            List<TaskEvent> ended = KafkaProbe.values(
                    Topics.TASK_EVENTS,
                    1,
                    Duration.ofSeconds(30),
                    e -> e.getRequestId().equals(task.getRequestId()) && e.getType() == TaskEventType.FAILED);
            assertThat(ended)
                    .singleElement()
                    .satisfies(e -> assertThat(e.getError().getCode()).isEqualTo("TIMEOUT"))
                    .satisfies(e -> assertThat(e.getError().getMessage()).contains("任务超时"));
        }
    }

    static String url() {
        return "ws://127.0.0.1:"
                + ((WebServerApplicationContext) gateway).getWebServer().getPort() + "/dsp";
    }
}
