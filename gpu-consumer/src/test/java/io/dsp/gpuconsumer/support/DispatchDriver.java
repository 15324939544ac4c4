package io.dsp.gpuconsumer.support;

import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plays the dispatcher around a running worker: writes tasks to {@code dsp.dispatch}, and watches
 * {@code dsp.task-events} and {@code dsp.dead-letters} from now on. The topics are shared by every test in the JVM,
 * so every read is by request id.
 */
public final class DispatchDriver implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KafkaTestBroker.get().bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.ACKS_CONFIG,
            "all"));
    private final TopicTail<String, TaskEvent> events = TopicTail.fromEnd(Topics.TASK_EVENTS);
    private final TopicTail<String, DeadLetter> deadLetters = TopicTail.fromEnd(Topics.DEAD_LETTERS);

    /** Releases the task to the fleet, as the dispatcher does. */
    public TaskRequested release(TaskRequested task) {
        send(Topics.DISPATCH.record(task.getRequestId(), task));
        return task;
    }

    /** Writes a task event to {@code dsp.task-events} as another worker or service would. */
    public void report(TaskEvent event) {
        send(Topics.TASK_EVENTS.record(event.getRequestId(), event));
    }

    /** Sends a cancel command about a task, signed with {@code licenseKey}, as asset-api or the gateway does. */
    public void cancel(String requestId, String licenseKey) {
        send(Topics.TASK_CONTROL.record(
                requestId,
                TaskControl.newBuilder()
                        .setCommandId(UUID.randomUUID().toString())
                        .setRequestId(requestId)
                        .setLicenseKey(licenseKey)
                        .setAction(TaskAction.CANCEL)
                        .setAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                        .setSource("test")
                        .build()));
    }

    /** Sets an operator's command for a worker, as the ops CLI does. */
    public void command(String workerId, WorkerAction action) {
        send(Topics.WORKER_COMMANDS.record(
                workerId,
                WorkerCommand.newBuilder()
                        .setWorkerId(workerId)
                        .setAction(action)
                        .setAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                        .setSource("test")
                        .build()));
    }

    /** Writes bytes that are no task at all to {@code dsp.dispatch}. */
    public void releaseGarbage(byte[] value) {
        send(new ProducerRecord<>(Topics.DISPATCH.name(), null, value));
    }

    /** Events about this task, in the order they were written. */
    public List<TaskEvent> events(String requestId) {
        return events.values().stream()
                .filter(e -> e.getRequestId().equals(requestId))
                .toList();
    }

    /** The types of the events about this task, in order. */
    public List<TaskEventType> eventTypes(String requestId) {
        return events(requestId).stream().map(TaskEvent::getType).toList();
    }

    public List<DeadLetter> deadLetters(String requestId) {
        return deadLetters.values().stream()
                .filter(d -> d.getTask().getRequestId().equals(requestId))
                .toList();
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not write to " + record.topic(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        producer.close(Duration.ofSeconds(5));
        events.close();
        deadLetters.close();
    }
}
