package io.dsp.ops.task;

import io.dsp.ops.cli.Progress;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/** What {@code dsp.task-events} says about tasks: the terminal step of each one that ended. */
public final class TaskOutcomes {

    private final Map<String, TaskEventType> terminal;

    TaskOutcomes(Map<String, TaskEventType> terminal) {
        this.terminal = terminal;
    }

    /**
     * Reads the events written at or after {@code since} (a task's events all follow its acceptance, so the start of
     * a replay window, less a margin, is far enough back) of the given request ids ({@code null}: all).
     */
    public static TaskOutcomes read(KafkaAccess kafka, Instant since, Set<String> requestIds, Progress progress) {
        Map<String, TaskEventType> terminal = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                kafka.readSince(List.of(Topics.TASK_EVENTS.name()), since, progress)) {
            if (record.value() == null) {
                continue;
            }
            String key = record.key() == null ? null : Topics.TASK_EVENTS.key(record);
            if (requestIds != null && (key == null || !requestIds.contains(key))) {
                continue;
            }
            try {
                TaskEvent event = Topics.TASK_EVENTS.value(record);
                if (TaskEvents.isTerminal(event.getType())) {
                    terminal.put(event.getRequestId(), event.getType());
                }
            } catch (SerializationException e) {
                // not an event of this contract; nothing to learn from it
            }
        }
        return new TaskOutcomes(terminal);
    }

    /** For tests and plans built by hand. */
    public static TaskOutcomes of(Map<String, TaskEventType> terminal) {
        return new TaskOutcomes(Map.copyOf(terminal));
    }

    /** The step that ended this task, if it ended. */
    public Optional<TaskEventType> ending(String requestId) {
        return Optional.ofNullable(terminal.get(requestId));
    }
}
