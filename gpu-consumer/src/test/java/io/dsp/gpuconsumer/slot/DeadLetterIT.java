package io.dsp.gpuconsumer.slot;

import static io.dsp.schemas.avro.TaskEventType.DEAD_LETTERED;
import static io.dsp.schemas.avro.TaskEventType.PROGRESS;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.support.DispatchDriver;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The worker's own dead letters against a real broker whose {@code group.share.delivery.count.limit} is 5: a task
 * that keeps failing transiently is released for redelivery, and on its fifth delivery dead-lettered by the worker
 * rather than archived silently by the broker. Each failed attempt says so (a step back to {@code queued}) before the
 * task is released after a short back-off.
 */
@GpuConsumerIntegrationTest
class DeadLetterIT {

    private static final String LAST_ERROR = "IllegalStateException: engine unavailable";

    @Autowired
    WorkerIdentity identity;

    DispatchDriver dispatch;

    @BeforeEach
    void watchTheFleet() {
        dispatch = new DispatchDriver();
    }

    @AfterEach
    void stopWatching() throws InterruptedException {
        dispatch.close();
    }

    @Test
    void retriesATransientFailureUntilTheLastAllowedDeliveryThenDeadLettersIt() {
        // when
        TaskRequested task =
                dispatch.release(TestTasks.generic("license-" + UUID.randomUUID(), TestHandlers.ALWAYS_THROWS));
        String requestId = task.getRequestId();

        // then five deliveries, each STARTED, the first four put back in the queue, the last one dead-lettered
        await().atMost(Duration.ofSeconds(45))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(requestId)).contains(DEAD_LETTERED));
        assertThat(dispatch.eventTypes(requestId))
                .containsExactly(
                        STARTED,
                        PROGRESS,
                        STARTED,
                        PROGRESS,
                        STARTED,
                        PROGRESS,
                        STARTED,
                        PROGRESS,
                        STARTED,
                        DEAD_LETTERED);
        assertThat(dispatch.events(requestId))
                .extracting(TaskEvent::getDeliveryCount)
                .containsExactly(1, 1, 2, 2, 3, 3, 4, 4, 5, 5);
        assertThat(dispatch.events(requestId))
                .extracting(TaskEvent::getWorkerId)
                .containsOnly(identity.id());
        assertThat(dispatch.events(requestId))
                .filteredOn(e -> e.getType() == PROGRESS)
                .allSatisfy(requeue -> {
                    assertThat(requeue.getProgress().getStatus()).isEqualTo("queued");
                    assertThat(requeue.getError()).isEqualTo(new TaskError("RETRY", LAST_ERROR));
                });
        TaskEvent deadLettered = dispatch.events(requestId).get(9);
        assertThat(deadLettered.getError()).isEqualTo(new TaskError("DELIVERY_LIMIT", LAST_ERROR));

        // and the original task is kept in dsp.dead-letters for re-driving
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(dispatch.deadLetters(requestId)).hasSize(1));
        DeadLetter letter = dispatch.deadLetters(requestId).get(0);
        assertThat(letter.getTask()).isEqualTo(task);
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.DELIVERY_LIMIT);
        assertThat(letter.getDeliveryCount()).isEqualTo(5);
        assertThat(letter.getLastError()).isEqualTo(LAST_ERROR);
        assertThat(letter.getWorkerId()).isEqualTo(identity.id());
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.DISPATCH.name());

        // and the broker does not deliver it again
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(dispatch.eventTypes(requestId)).hasSize(10));
    }
}
