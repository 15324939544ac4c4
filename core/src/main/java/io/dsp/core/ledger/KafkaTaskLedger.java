package io.dsp.core.ledger;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.SmartLifecycle;

/**
 * The ledger kept in Kafka: {@code dsp.task-events} itself, read into memory by every worker through a
 * {@link TopicView}. The terminal event a worker publishes before acknowledging a task is the record that the task
 * finished, so there is no second write that could be lost between the two. Before each task a worker waits until its
 * copy has reached the topic's end as it was at that moment, so whatever any worker had written by then is seen.
 *
 * <p>Native slots and the gateway's bridged legacy slots consult the same ledger: a task that already has an outcome
 * is never handed to either again.
 */
public final class KafkaTaskLedger implements TaskLedger, SmartLifecycle {

    private final Map<String, TaskHistory> histories = new ConcurrentHashMap<>();
    private final TopicView view;
    private final Duration catchUpTimeout;

    /**
     * @param kafkaConfig client settings (bootstrap servers, security)
     * @param since where the copy begins: the whole topic for a worker, a recent window where that bounds the cost
     * @param startupTimeout how long the start-up read may take
     * @param startupRequired whether a start-up read that is late fails the start (else the service starts with what
     *     was read and catches up in the background)
     * @param catchUpTimeout how long one look before a task may wait for the copy to reach the topic's end
     * @param phase lifecycle phase: before the slots that ask it
     */
    public KafkaTaskLedger(
            Map<String, ?> kafkaConfig,
            StartRule since,
            Duration startupTimeout,
            boolean startupRequired,
            Duration catchUpTimeout,
            MeterRegistry meters,
            int phase) {
        this.catchUpTimeout = catchUpTimeout;
        this.view = TopicView.builder("task-ledger", kafkaConfig)
                .follow(Topics.TASK_EVENTS, since, this::apply)
                .startupWait(startupTimeout, startupRequired)
                .meters(meters)
                .phase(phase)
                .build();
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        TaskEvent event = Topics.TASK_EVENTS.value(record);
        if (event == null || !TaskHistory.matters(event)) {
            return;
        }
        TaskHistory history = histories.computeIfAbsent(event.getRequestId(), id -> new TaskHistory());
        synchronized (history) {
            history.apply(event);
        }
    }

    @Override
    public PriorAttempts priorAttempts(String requestId) throws InterruptedException, TimeoutException {
        view.awaitCurrentEnd(Topics.TASK_EVENTS.name(), catchUpTimeout);
        TaskHistory history = histories.get(requestId);
        if (history == null) {
            return PriorAttempts.NONE;
        }
        synchronized (history) {
            return history.prior();
        }
    }

    @Override
    public Optional<String> failure() {
        if (!view.stalled()) {
            return Optional.empty();
        }
        return Optional.of(view.failure().map(Throwable::toString).orElse("the task ledger is stalled"));
    }

    /** Tasks with a history in this copy. */
    public int size() {
        return histories.size();
    }

    /** The health of the copy: DOWN while stalled, OUT_OF_SERVICE until read up to start. */
    public Health health() {
        return view.health();
    }

    @Override
    public void start() {
        view.start();
    }

    @Override
    public void stop() {
        view.stop();
    }

    @Override
    public boolean isRunning() {
        return view.isRunning();
    }

    @Override
    public int getPhase() {
        return view.getPhase();
    }
}
