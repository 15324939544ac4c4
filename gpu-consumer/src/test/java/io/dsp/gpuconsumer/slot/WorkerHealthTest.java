package io.dsp.gpuconsumer.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.gpuconsumer.WorkerIdentity;
import io.dsp.gpuconsumer.WorkerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The worker's health says DOWN for every reason its slots cannot do their work. */
class WorkerHealthTest {

    private final SlotPool slots = mock(SlotPool.class);
    private final WorkerIdentity identity = mock(WorkerIdentity.class);
    private final WorkerSettings settings = mock(WorkerSettings.class);
    private final FakeLedger ledger = new FakeLedger();
    private TopicView view;

    WorkerHealthTest() {
        when(slots.failedSlots()).thenReturn(Map.of());
        when(identity.id()).thenReturn("gpu-test");
    }

    @AfterEach
    void stopView() {
        if (view != null) {
            view.stop();
        }
    }

    @Test
    void upWhileSlotsLedgerAndViewsWork() {
        view = TopicView.builder("worker-commands", Map.of())
                .follow("dsp.worker-commands", StartRule.beginning(), r -> {})
                .build();

        Health health = health(view);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("workerId", "gpu-test");
    }

    @Test
    void downWhileAViewIsStalled() {
        // given a view whose consumers fail, and a short stall bound
        view = TopicView.builder("worker-commands", Map.of())
                .follow("dsp.worker-commands", StartRule.beginning(), r -> {})
                .consumerFactory(config -> {
                    throw new KafkaException("no broker");
                })
                .stallAfter(Duration.ofMillis(100))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(50))
                .build();
        view.start();

        // then the worker is DOWN, naming the view
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(health(view).getStatus()).isEqualTo(Status.DOWN));
        assertThat(health(view).getDetails().get("stalledViews").toString())
                .contains("worker-commands")
                .contains("no broker");
    }

    @Test
    void downWhileTheLedgerFails() {
        ledger.failure = "the task ledger is stalled";

        Health health = health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("ledger", "the task ledger is stalled");
    }

    @Test
    void downWhenASlotDied() {
        when(slots.failedSlots()).thenReturn(Map.of("slot-1", "boom"));

        Health health = health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsKey("failedSlots");
    }

    private Health health(TopicView... views) {
        return new WorkerHealth(slots, ledger, List.of(views), identity, settings).health(true);
    }

    private static final class FakeLedger implements TaskLedger {
        volatile String failure;

        @Override
        public PriorAttempts priorAttempts(String requestId) {
            return PriorAttempts.NONE;
        }

        @Override
        public Optional<String> failure() {
            return Optional.ofNullable(failure);
        }
    }
}
