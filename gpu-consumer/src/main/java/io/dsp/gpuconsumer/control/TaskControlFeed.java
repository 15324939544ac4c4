package io.dsp.gpuconsumer.control;

import io.dsp.gpuconsumer.feed.TopicFollower;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Reads {@code dsp.task-control} into {@link Cancellations}: from the memory window back at start-up (so a cancel sent
 * while this worker was down still counts), then as commands arrive. Not a group member: every worker reads every
 * command, since any of them may hold the task.
 */
final class TaskControlFeed extends TopicFollower {

    private static final Logger log = LoggerFactory.getLogger(TaskControlFeed.class);

    private final Cancellations cancellations;
    private final ControlSettings settings;
    private final Clock clock;

    TaskControlFeed(KafkaAdmin kafkaAdmin, Cancellations cancellations, ControlSettings settings, Clock clock) {
        super(kafkaAdmin, Topics.TASK_CONTROL.name(), settings.startupTimeout());
        this.cancellations = cancellations;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected void seekStart(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        long since = clock.millis() - settings.cancelMemory().toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp offset = offsets.get(tp);
            if (offset == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        }
    }

    @Override
    protected void onRecord(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            cancellations.apply(Topics.TASK_CONTROL.value(record));
        } catch (SerializationException e) {
            log.warn("skipping undecodable task control record at {}@{}", record.partition(), record.offset());
        }
    }

    @Override
    protected String whenLate() {
        return "starting anyway, later cancels act on running tasks";
    }

    @Override
    protected String whenStopped() {
        return "cancels no longer reach this worker";
    }
}
