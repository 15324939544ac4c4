package io.dsp.ops.deadletter;

import static io.dsp.schemas.avro.TaskEventType.DEAD_LETTERED;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.ops.support.Cli;
import io.dsp.ops.support.Fleet;
import io.dsp.ops.support.Tenant;
import io.dsp.ops.task.TaskCopy;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Dead letters made by the real worker (tasks whose earlier attempts killed two workers are quarantined), listed and
 * re-driven through the real dispatcher and worker.
 */
class DeadLettersIT {

    private static final Duration LONG = Duration.ofSeconds(120);

    private static ConfigurableApplicationContext dispatcher;
    private static ConfigurableApplicationContext worker;
    private static TopicTail<String, TaskEvent> events;
    private static TopicTail<String, DeadLetter> deadLetters;

    @BeforeAll
    static void startTheFleet() {
        events = TopicTail.fromEnd(Topics.TASK_EVENTS);
        deadLetters = TopicTail.fromEnd(Topics.DEAD_LETTERS);
        dispatcher = Fleet.dispatcher(Map.of());
        worker = Fleet.worker();
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        Fleet.close(worker, dispatcher);
        events.close();
        deadLetters.close();
    }

    @Test
    void redrivenDeadLettersRunToSuccessAndASecondRedriveSendsNothing() {
        // given two tasks the worker dead-lettered: each killed two workers, the second while running alone there
        // (ADR 038)
        String license = "dead-" + UUID.randomUUID();
        List<TaskRequested> tasks = List.of(
                Fleet.deleteAsset(license, "del_asset_a_" + UUID.randomUUID(), 11),
                Fleet.deleteAsset(license, "del_asset_b_" + UUID.randomUUID(), 12));
        List<TaskEvent> deaths = new ArrayList<>();
        for (TaskRequested task : tasks) {
            deaths.add(started(task, "gpu-died-1"));
            TaskEvent alone = started(task, "gpu-died-2");
            alone.setRanAlone(true);
            deaths.add(alone);
        }
        Fleet.report(deaths);
        Fleet.accept(tasks);
        await().atMost(LONG)
                .untilAsserted(() -> assertThat(deadLetters.values())
                        .filteredOn(d -> d.getTask().getLicenseKey().equals(license))
                        .hasSize(2)
                        .allSatisfy(d -> assertThat(d.getReason()).isEqualTo(DeadLetterReason.KILLS_WORKERS)));
        String first = tasks.get(0).getRequestId();
        String second = tasks.get(1).getRequestId();

        // when they are listed, then both show with their reason
        Cli.Result list = Cli.run("dead-letters", "list", "--license=" + license);
        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(list.out()).contains(first, second, "KILLS_WORKERS").contains("2 dead letter(s)");

        // when one is re-driven as a dry run, then nothing is written
        Cli.Result dry = Cli.run("dead-letters", "redrive", "--request-id=" + first, "--dry-run");
        assertThat(dry.out()).contains("would").contains(first + ":rerun-1");
        assertThat(runsOf(license, first)).hasSize(1);

        // when it is re-driven, then it runs to success as a new run of the same task
        Cli.Result redrive = Cli.run("dead-letters", "redrive", "--request-id=" + first);
        assertThat(redrive.code()).as(redrive.toString()).isZero();
        assertThat(redrive.out()).contains("1 dead letter(s) re-driven, 0 skipped");
        await().atMost(LONG)
                .untilAsserted(() -> assertThat(typesOf(first + ":rerun-1"))
                        .contains(TaskEventType.ACCEPTED, TaskEventType.DISPATCHED, STARTED, SUCCEEDED));

        // when every dead letter of the license is re-driven, then only the other one is, and it succeeds too
        Cli.Result all = Cli.run("dead-letters", "redrive", "--all", "--license=" + license);
        assertThat(all.out())
                .contains("re-driven before as " + first + ":rerun-1")
                .contains("1 dead letter(s) re-driven, 1 skipped");
        await().atMost(LONG)
                .untilAsserted(() -> assertThat(typesOf(second + ":rerun-1")).contains(SUCCEEDED));

        // when it is all run again, then nothing is re-driven twice
        Cli.Result again = Cli.run("dead-letters", "redrive", "--all", "--license=" + license);
        assertThat(again.out()).contains("0 dead letter(s) re-driven, 2 skipped");
        assertThat(runsOf(license, first)).hasSize(2);
        assertThat(runsOf(license, second)).hasSize(2);
        assertThat(typesOf(first)).containsOnlyOnce(DEAD_LETTERED).doesNotContain(SUCCEEDED);
    }

    @Test
    void redriveOfAnUnknownRequestIdChangesNothing() {
        Cli.Result result = Cli.run("dead-letters", "redrive", "--request-id=no-such-" + UUID.randomUUID());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err())
                .contains("No dead letter with request id no-such-")
                .contains("nothing was re-driven");
    }

    private static TaskEvent started(TaskRequested task, String workerId) {
        return TaskEvents.about(task, STARTED, "gpu-consumer", Instant.now())
                .setWorkerId(workerId)
                .setDeliveryCount(1)
                .build();
    }

    private static List<TaskCopy> runsOf(String license, String original) {
        return Tenant.tasks(license).stream()
                .filter(c -> c.original().equals(original))
                .toList();
    }

    private static List<TaskEventType> typesOf(String requestId) {
        return events.values().stream()
                .filter(e -> e.getRequestId().equals(requestId))
                .map(TaskEvent::getType)
                .toList();
    }
}
