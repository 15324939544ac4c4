package io.dsp.ops.task;

import io.dsp.ops.cli.Progress;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.trace.TraceContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;

/** Reads a license's task topics (normal and high priority). */
public final class TenantTasks {

    private TenantTasks() {}

    /** The license's task topics that exist, in every lane, normal first. */
    public static List<String> topicsOf(String licenseKey, Set<String> existing) {
        List<String> out = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            for (Priority priority : List.of(Priority.NORMAL, Priority.HIGH)) {
                String name = TenantTopics.topicName(licenseKey, priority, lane);
                if (existing.contains(name)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /**
     * Every task record of the license written at or after {@code since} (every retained one for {@link Instant#EPOCH}),
     * up to the end of the topics now. Undecodable records are counted in {@code undecodable} and left out.
     */
    public static List<TaskCopy> read(
            KafkaAccess kafka, List<String> topics, Instant since, Progress progress, int[] undecodable) {
        List<TaskCopy> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readSince(topics, since, progress)) {
            if (record.value() == null) {
                continue;
            }
            try {
                TaskRequested task = TenantTopics.decode(record);
                out.add(new TaskCopy(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        Instant.ofEpochMilli(record.timestamp()),
                        task,
                        traceparent(record)));
            } catch (SerializationException e) {
                if (undecodable != null) {
                    undecodable[0]++;
                }
            }
        }
        return out;
    }

    private static String traceparent(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(TraceContext.HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
    }
}
