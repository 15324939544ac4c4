package io.dsp.dispatcher.release;

import io.dsp.dispatcher.fleet.FleetView.Vanished;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells which vanished tasks the broker archived. A worker that dies on a task's last delivery cannot record its end,
 * and the broker then archives the task without a word (issue 17, item 1): only the dispatcher, which released it and
 * sees that no live worker holds it, is left to say so. It says so only when the broker confirms the task is done
 * with: its record lies below the fleet share group's start offset, before which every record was acknowledged or
 * archived. A task that ended normally has a terminal event the fleet view has seen, so what is below and still without
 * an end was archived. A task that is merely waiting for a slot is never below it, so it is never declared lost. The
 * start offset the broker reports is the one it last persisted, which moves with the group's next acknowledgement in
 * that partition: in a quiet fleet it may not move at all. So a task whose last attempt started on the group's last
 * delivery ({@code group.share.delivery.count.limit}) is also archived once its worker has no member left in the
 * group: no delivery can follow that one, and the broker took back (and, at the limit, archived) what the member held.
 */
final class ArchivedTasks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ArchivedTasks.class);

    /** How often the broker is asked, at most, while tasks await its word. */
    static final Duration ASK_EVERY = Duration.ofSeconds(5);

    private static final long ASK_TIMEOUT_MS = 3_000;

    private final Lane lane;
    private final Map<String, Object> adminConfig;
    private Admin admin;
    private Instant askedAt = Instant.EPOCH;

    private final int deliveryCountLimit;

    ArchivedTasks(Lane lane, Map<String, Object> clientConfig, int deliveryCountLimit) {
        this.lane = lane;
        this.deliveryCountLimit = deliveryCountLimit;
        Set<String> known = AdminClientConfig.configNames();
        this.adminConfig = clientConfig.entrySet().stream()
                .filter(e -> known.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Those of {@code candidates} the broker archived, asking it at most every {@link #ASK_EVERY}; none when it was
     * asked too recently or did not answer (they are asked about again later): those below the share group's start
     * offset, and those whose last attempt started on the last delivery and whose worker has no member left in the
     * group.
     */
    List<Vanished> archived(List<Vanished> candidates, Instant now) {
        if (candidates.isEmpty() || now.isBefore(askedAt.plus(ASK_EVERY))) {
            return List.of();
        }
        askedAt = now;
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig);
            }
            List<Vanished> archived = new ArrayList<>();
            List<Vanished> lastDelivered = onTheLastDelivery(candidates, deliveryCountLimit);
            if (!lastDelivered.isEmpty()) {
                archived.addAll(holderGone(lastDelivered, memberClientIds()));
            }
            List<Vanished> rest =
                    candidates.stream().filter(v -> !archived.contains(v)).toList();
            if (!rest.isEmpty()) {
                archived.addAll(below(rest, startOffsets(rest)));
            }
            return archived;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            log.warn(
                    "could not ask share group {} about {} vanished task(s); they wait: {}",
                    lane.fleetGroup(),
                    candidates.size(),
                    e.toString());
            return List.of();
        }
    }

    /** The candidates whose last attempt started on the group's last delivery: no delivery can follow it. */
    static List<Vanished> onTheLastDelivery(List<Vanished> candidates, int deliveryCountLimit) {
        return candidates.stream()
                .filter(v -> v.lastDelivery() >= deliveryCountLimit)
                .toList();
    }

    /**
     * The candidates whose last worker has no member left in the share group (its slots' client ids are
     * {@code <workerId>-slot-<n>}): the broker took back what its members held, so nothing holds the record. A worker
     * that only looks gone (its presence late, its clock behind) still has its members, and its task is left alone.
     */
    static List<Vanished> holderGone(List<Vanished> candidates, Collection<String> memberClientIds) {
        return candidates.stream()
                .filter(v -> v.lastHolder() != null
                        && memberClientIds.stream().noneMatch(id -> id.startsWith(v.lastHolder() + "-slot-")))
                .toList();
    }

    private Set<String> memberClientIds() throws Exception {
        ShareGroupDescription group = admin.describeShareGroups(List.of(lane.fleetGroup()))
                .describedGroups()
                .get(lane.fleetGroup())
                .get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return group.members().stream().map(ShareMemberDescription::clientId).collect(Collectors.toSet());
    }

    private Map<TopicPartition, Long> startOffsets(List<Vanished> candidates) throws Exception {
        List<TopicPartition> partitions =
                candidates.stream().map(Vanished::partition).distinct().toList();
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(
                        Map.of(lane.fleetGroup(), new ListShareGroupOffsetsSpec().topicPartitions(partitions)))
                .partitionsToOffsetInfo(lane.fleetGroup())
                .get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> starts = new HashMap<>();
        offsets.forEach((tp, info) -> {
            if (info != null) {
                starts.put(tp, info.startOffset());
            }
        });
        log.debug("share group {} start offsets {}; vanished tasks {}", lane.fleetGroup(), starts, candidates.size());
        return starts;
    }

    /** The candidates whose record lies below its partition's start offset; a partition without one keeps them all. */
    static List<Vanished> below(List<Vanished> candidates, Map<TopicPartition, Long> starts) {
        return candidates.stream()
                .filter(v -> v.offset() >= 0 && v.offset() < starts.getOrDefault(v.partition(), -1L))
                .toList();
    }

    /**
     * What records the archived task's end: its dead letter (the task as released, so it can be driven again) and its
     * DEAD_LETTERED event, written together in one transaction.
     */
    static List<ProducerRecord<byte[], byte[]>> endOf(Vanished task, String source, Instant now) {
        String why = "the broker archived it after its last delivery with no outcome recorded (its worker, "
                + (task.lastHolder() == null ? "unknown" : task.lastHolder())
                + ", died or left on that delivery); released at " + task.releasedAt() + " to "
                + task.partition() + "@" + task.offset();
        DeadLetter letter = DeadLetter.newBuilder()
                .setTask(task.task())
                .setReason(DeadLetterReason.DELIVERY_LIMIT)
                // the broker's count is not known here; the limit was reached
                .setDeliveryCount(0)
                .setLastError(why)
                .setWorkerId(task.lastHolder())
                .setSourceTopic(task.partition().topic())
                .setDeadLetteredAt(now)
                .build();
        String requestId = task.task().getRequestId();
        return List.of(
                Topics.DEAD_LETTERS.record(requestId, letter),
                Topics.TASK_EVENTS.record(
                        requestId,
                        TaskEvents.about(task.task(), TaskEventType.DEAD_LETTERED, source, now)
                                .setWorkerId(task.lastHolder())
                                .setError(new TaskError(DeadLetterReason.DELIVERY_LIMIT.name(), why))
                                .build()));
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
