package io.dsp.gateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InFlightGuardTest {

    private static final Instant T0 = Instant.parse("2026-12-04T08:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InFlightGuard guard =
            new InFlightGuard(new InFlightCapSettings(Map.of("heygem_submit", 1), Duration.ofHours(2)), clock);

    @Test
    void aSecondSynthesisOfOneLicenseIsRefusedWithTheLegacyFrameUntilTheFirstEnds() {
        assertThat(guard.admit("A", "heygem_submit", "r1")).isEmpty();
        clock.advance(Duration.ofSeconds(42));

        Map<String, Object> refused = guard.admit("A", "heygem_submit", "r2").orElseThrow();
        assertThat(refused)
                .containsEntry("type", "error")
                .containsEntry("msg", "任务处理中，请等待完成（已用时 42秒）")
                .containsEntry("task_type", "heygem_submit")
                .containsEntry("old_request_id", "r1")
                .containsEntry("request_id", "r2");

        assertThat(guard.admit("B", "heygem_submit", "r3"))
                .as("another license")
                .isEmpty();
        assertThat(guard.admit("A", "delete_asset", "r4"))
                .as("an uncapped type")
                .isEmpty();

        guard.event(event("r1", "A", TaskEventType.SUCCEEDED));
        assertThat(guard.admit("A", "heygem_submit", "r5")).isEmpty();
    }

    @Test
    void tasksOfEveryEdgeCountFromTheirEventsAndALostOneStopsCountingAfterTheExpiry() {
        guard.event(event("http-1", "A", TaskEventType.ACCEPTED));
        assertThat(guard.admit("A", "heygem_submit", "ws-1")).isPresent();

        clock.advance(Duration.ofHours(2).plusSeconds(1));
        assertThat(guard.admit("A", "heygem_submit", "ws-2")).isEmpty();
    }

    @Test
    void aTaskThatNeverReachedKafkaIsWithdrawn() {
        assertThat(guard.admit("A", "heygem_submit", "r1")).isEmpty();
        guard.withdraw("r1");
        assertThat(guard.admit("A", "heygem_submit", "r2")).isEmpty();
    }

    private TaskEvent event(String requestId, String license, TaskEventType type) {
        TaskRequested task = TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey(license)
                .setTaskType("heygem_submit")
                .setPayload(GenericPayload.newBuilder().setJson("{}").build())
                .setPriority(Priority.NORMAL)
                .setRequestedAt(clock.instant())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "node", null, "pc"))
                .build();
        return TaskEvents.about(task, type, "test", clock.instant()).build();
    }
}
