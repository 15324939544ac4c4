package io.dsp.dispatcher.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plays the edges and the fleet around a running dispatcher: submits tasks to tenant topics, announces workers on
 * {@code dsp.workers}, reports terminal events, and watches {@code dsp.dispatch} and {@code dsp.task-events}.
 *
 * <p>The dispatcher and the broker are shared by every test in the JVM, so {@link #close()} leaves the fleet as it
 * found it: every task this driver submitted is released and finished, and every worker it announced is gone.
 */
public final class FleetDriver implements AutoCloseable {

    /** Long enough that an announced worker stays live for a whole test without beating again. */
    private static final Duration BEAT = Duration.ofSeconds(20);

    private final FleetView view;
    private final KafkaProducer<byte[], byte[]> producer;
    private final TopicTail<String, TaskRequested> dispatch = TopicTail.fromEnd(Topics.DISPATCH);
    private final TopicTail<String, TaskEvent> events = TopicTail.fromEnd(Topics.TASK_EVENTS);
    private final TopicTail<String, DeadLetter> deadLetters = TopicTail.fromEnd(Topics.DEAD_LETTERS);
    private final List<String> submitted = new ArrayList<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final Set<String> workers = new LinkedHashSet<>();

    public FleetDriver(FleetView view) {
        this.view = view;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG,
                "all"));
    }

    /** A license key no other test uses. */
    public static String newLicense(String label) {
        return label + "-" + UUID.randomUUID();
    }

    /** Waits until no worker of an earlier test is live and nothing released earlier is still in flight. */
    public void awaitQuietFleet() {
        // Generous: the previous test's clean-up may still be finishing on a loaded machine.
        await("a quiet fleet").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Instant now = Instant.now();
            assertThat(view.liveSlots(now)).as("live slots").isZero();
            assertThat(view.inFlight(now)).as("tasks in flight").isZero();
        });
    }

    /** Submits {@code count} tasks to the license's topic, as the edges do; returns their request ids in order. */
    public List<String> submit(String licenseKey, int count) {
        return submit(licenseKey, count, Priority.NORMAL);
    }

    /** Submits {@code count} tasks of this priority to the license's topic for it; returns their request ids. */
    public List<String> submit(String licenseKey, int count, Priority priority) {
        ensureTopic(licenseKey, priority);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String requestId =
                    "req-" + priority.name().toLowerCase(java.util.Locale.ROOT) + "-" + i + "-" + UUID.randomUUID();
            TaskRequested task = TestTasks.deleteAsset(requestId, licenseKey, i + 1);
            task.setPriority(priority);
            send(TenantTopics.forTask(task).record(requestId, task));
            ids.add(requestId);
        }
        submitted.addAll(ids);
        return ids;
    }

    /** Creates the license's topic for this priority, as the edges do on first use. */
    public static String ensureTopic(String licenseKey, Priority priority) {
        if (priority == Priority.NORMAL) {
            return KafkaTestBroker.get().ensureTenantTopic(licenseKey);
        }
        TopicSpec<String, TaskRequested> spec = TenantTopics.forLicense(licenseKey, priority);
        try {
            KafkaTestBroker.get()
                    .admin()
                    .createTopics(List.of(spec.newTopic((short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("could not create " + spec.name(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + spec.name(), e);
        }
        return spec.name();
    }

    /** Leaves these tasks out of the clean-up at {@link #close()} (a benchmark deleted their topic). */
    public void forget(Collection<String> requestIds) {
        submitted.removeAll(new HashSet<>(requestIds));
    }

    /** Sends a cancel command about a task, signed with {@code licenseKey}, as asset-api or the gateway does. */
    public void cancel(String requestId, String licenseKey) {
        send(Topics.TASK_CONTROL.record(requestId, TestTasks.cancel(requestId, licenseKey, Instant.now())));
    }

    /** Writes bytes that are no task at all to the license's topic. */
    public void submitGarbage(String licenseKey, byte[] value) {
        KafkaTestBroker.get().ensureTenantTopic(licenseKey);
        send(new ProducerRecord<>(TenantTopics.topicName(licenseKey), null, value));
    }

    /** Announces a live worker with this many slots; it stays live for the test and leaves at {@link #close()}. */
    public String announceWorker(int slots) {
        return announceWorker(slots, BEAT);
    }

    private String announceWorker(int slots, Duration beat) {
        String workerId = "worker-" + UUID.randomUUID();
        workers.add(workerId);
        send(Topics.WORKERS.record(workerId, TestTasks.presence(workerId, slots, false, Instant.now(), beat)));
        return workerId;
    }

    /**
     * Announces a live worker that says which tasks it holds (presence v2), as today's workers do; the dispatcher
     * reconciles its in-flight count with these.
     */
    public String announceWorkerHolding(int slots, List<String> held) {
        String workerId = "worker-" + UUID.randomUUID();
        workers.add(workerId);
        WorkerPresence presence = TestTasks.presence(workerId, slots, false, Instant.now(), BEAT);
        presence.setHeld(List.copyOf(held));
        send(Topics.WORKERS.record(workerId, presence));
        return workerId;
    }

    /** Writes the worker's tombstone, as a worker that stops does. */
    public void withdrawWorker(String workerId) {
        send(Topics.WORKERS.record(workerId, null));
        workers.remove(workerId);
    }

    /**
     * Reports a terminal event for each task, as a worker does when it is done. Waits first until the dispatcher's
     * DISPATCHED event of each task is in {@code dsp.task-events}, so that the terminal event comes after it there.
     */
    public void finish(Collection<String> requestIds, TaskEventType type) {
        await("DISPATCHED events of the tasks to finish")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(events(requestIds))
                        .filteredOn(e -> e.getType() == TaskEventType.DISPATCHED)
                        .extracting(TaskEvent::getRequestId)
                        .containsAll(requestIds));
        for (String requestId : requestIds) {
            send(Topics.TASK_EVENTS.record(requestId, TestTasks.event(requestId, type, Instant.now())));
            finished.add(requestId);
        }
    }

    /** Reports that a worker started this task on this delivery of the broker's, as a worker's slot does. */
    public void started(String requestId, String workerId, int delivery) {
        send(Topics.TASK_EVENTS.record(
                requestId,
                TaskEvent.newBuilder(TestTasks.event(requestId, TaskEventType.STARTED, Instant.now()))
                        .setWorkerId(workerId)
                        .setDeliveryCount(delivery)
                        .build()));
    }

    /** Reports SUCCEEDED for every task among {@code requestIds} released and not yet finished; returns them. */
    public List<String> finishReleased(Collection<String> requestIds) {
        List<String> unfinished = dispatched(requestIds).stream()
                .filter(id -> !finished.contains(id))
                .distinct()
                .toList();
        finish(unfinished, TaskEventType.SUCCEEDED);
        return unfinished;
    }

    /** The tasks among {@code requestIds} that reached {@code dsp.dispatch}, in the order they arrived there. */
    public List<String> dispatched(Collection<String> requestIds) {
        Set<String> wanted = new HashSet<>(requestIds);
        return dispatch.values().stream()
                .map(TaskRequested::getRequestId)
                .filter(wanted::contains)
                .toList();
    }

    /** The tasks released to {@code dsp.dispatch}, as they arrived there, among {@code requestIds}. */
    public List<TaskRequested> dispatchedTasks(Collection<String> requestIds) {
        Set<String> wanted = new HashSet<>(requestIds);
        return dispatch.values().stream()
                .filter(t -> wanted.contains(t.getRequestId()))
                .toList();
    }

    /** Events seen in {@code dsp.task-events} about these tasks, in the order read. */
    public List<TaskEvent> events(Collection<String> requestIds) {
        Set<String> wanted = new HashSet<>(requestIds);
        return events.values().stream()
                .filter(e -> wanted.contains(e.getRequestId()))
                .toList();
    }

    /** Dead letters written since this driver opened about these tasks, in the order read. */
    public List<DeadLetter> deadLetters(Collection<String> requestIds) {
        Set<String> wanted = new HashSet<>(requestIds);
        return deadLetters.values().stream()
                .filter(l -> wanted.contains(l.getTask().getRequestId()))
                .toList();
    }

    /** Waits until the dispatcher group owns the license's topic, i.e. the dispatcher is reading it. */
    public void awaitDispatcherReads(String... licenseKeys) {
        awaitDispatcherReadsTopics(java.util.Arrays.stream(licenseKeys)
                .map(TenantTopics::topicName)
                .toArray(String[]::new));
    }

    /** Waits until the dispatcher group owns these tenant topics. */
    public void awaitDispatcherReadsTopics(String... topics) {
        await("dispatcher group assigned the tenant topics")
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> {
                    ConsumerGroupDescription group = KafkaTestBroker.get()
                            .admin()
                            .describeConsumerGroups(List.of(Groups.DISPATCHER))
                            .all()
                            .get(10, TimeUnit.SECONDS)
                            .get(Groups.DISPATCHER);
                    Set<String> assigned = new HashSet<>();
                    for (MemberDescription member : group.members()) {
                        member.assignment().topicPartitions().stream()
                                .map(TopicPartition::topic)
                                .forEach(assigned::add);
                    }
                    assertThat(assigned).contains(topics);
                });
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not write to " + record.topic(), e);
        }
    }

    /**
     * Leaves the fleet as this test found it: withdraws its workers, then lets a roomy janitor worker take every task
     * it submitted and finishes them all, then withdraws the janitor.
     */
    @Override
    public void close() throws InterruptedException {
        try {
            List.copyOf(workers).forEach(this::withdrawWorker);
            // Live for longer than the clean-up may take (three beats), without beating again.
            String janitor = announceWorker(1_000, Duration.ofMinutes(2));
            // A flood of thousands of tasks is released and finished one event at a time: minutes on a loaded machine.
            await("every submitted task released and finished")
                    .atMost(Duration.ofSeconds(180))
                    .untilAsserted(() -> {
                        finishReleased(submitted);
                        events(submitted).stream()
                                .filter(e -> e.getType() == TaskEventType.CANCELLED)
                                .forEach(e -> finished.add(e.getRequestId()));
                        assertThat(finished).containsAll(submitted);
                    });
            withdrawWorker(janitor);
            awaitQuietFleet();
        } finally {
            producer.close(Duration.ofSeconds(5));
            dispatch.close();
            events.close();
            deadLetters.close();
        }
    }
}
