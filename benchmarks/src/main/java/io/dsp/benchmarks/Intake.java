package io.dsp.benchmarks;

import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Intake throughput, closed loop with the same concurrency on both sides: {@code intakeConcurrency} synchronous
 * senders each. The system's senders each {@code POST /api/v1/tasks} and wait for the 202 (asset-api answers after
 * Kafka acknowledged, acks=all, the task and its ACCEPTED event, and QUEUED while no GPU is online). The raw side's
 * senders share one {@link KafkaProducer} with asset-api's producer settings (acks=all, idempotence, linger 0), as
 * asset-api's request threads share its producer; each sends the same records asset-api writes for a task (the Avro
 * task to a tenant topic, ACCEPTED, and QUEUED where asset-api wrote it), all of them at once as asset-api's
 * submission does, and waits for every acknowledgement before its next task. The raw side writes to topics of its own
 * made like the license's tenant topic and {@code dsp.task-events} (partitions, replication, settings), removed
 * afterwards, so that nothing of the system reads what it writes.
 */
final class Intake {

    /** Tasks per second counted in the window, and refused or failed tasks. */
    record Result(double perSecond, int tasks, int errors) {}

    private final Profile profile;
    private final StackUnderTest stack;
    private final HttpClient http = HttpClient.newBuilder().build();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();

    Intake(Profile profile, StackUnderTest stack) {
        this.profile = profile;
        this.stack = stack;
    }

    /** Every task the system's side got accepted (and left waiting: nothing runs them while intake measures). */
    Set<String> accepted() {
        return Set.copyOf(accepted);
    }

    static String requestId(HttpResponse<String> answer) {
        String body = answer.body();
        int at = body.indexOf("\"request_id\":\"");
        if ((answer.statusCode() == 200 || answer.statusCode() == 202) && at >= 0) {
            int start = at + 14;
            return body.substring(start, body.indexOf('"', start));
        }
        return null;
    }

    /** Whether asset-api answers "queued" now (no GPU online), so that the raw side writes QUEUED as well. */
    boolean answersQueued(String license) throws Exception {
        HttpResponse<String> answer = http.send(post(license), HttpResponse.BodyHandlers.ofString());
        String id = requestId(answer);
        if (id == null) {
            throw new IllegalStateException("intake refused a task: " + answer.statusCode() + " " + answer.body());
        }
        accepted.add(id);
        return answer.body().contains("\"queued\":true");
    }

    /**
     * One untimed round of both sides, half as long as a measured one: the first intake of a JVM runs cold (JIT,
     * connection pools), and the first measured run would pay for it.
     */
    void warmUp(RawSide raw, String license, boolean queued) throws InterruptedException {
        int seconds = Math.max(1, profile.intakeSeconds() / 2);
        raw(raw, license, queued, seconds, "raw warm-up");
        closedLoop("system warm-up", seconds, systemSubmit(license));
    }

    Result system(String license) throws InterruptedException {
        return closedLoop("system", profile.intakeSeconds(), systemSubmit(license));
    }

    private Submit systemSubmit(String license) {
        return () -> {
            HttpResponse<String> answer = http.send(post(license), HttpResponse.BodyHandlers.ofString());
            stack.answered(answer);
            String id = requestId(answer);
            if (id != null) {
                accepted.add(id);
            }
            return id != null;
        };
    }

    private HttpRequest post(String license) {
        return stack.submit(license, "{\"n\":1}");
    }

    /**
     * The raw side's topics on the stack's broker, made like {@code license}'s tenant topic and {@code
     * dsp.task-events}, kept for every raw run of the family and removed on close.
     */
    RawSide rawSide(String license) throws Exception {
        RawTopics topics = new RawTopics(stack.admin());
        try {
            String tenant = topics.name("intake-tenant");
            String events = topics.name("intake-events");
            topics.createLike(TenantTopics.topicName(license), List.of(tenant));
            topics.createLike(Topics.TASK_EVENTS.name(), List.of(events));
            return new RawSide(topics, tenant, events);
        } catch (Exception e) {
            topics.close();
            throw e;
        }
    }

    /** Where the raw side writes a task ({@code tenant}) and its events ({@code events}). */
    record RawSide(RawTopics topics, String tenant, String events) implements AutoCloseable {

        @Override
        public void close() {
            topics.close();
        }
    }

    Result raw(RawSide raw, String license, boolean queued) throws InterruptedException {
        return raw(raw, license, queued, profile.intakeSeconds(), "raw");
    }

    private Result raw(RawSide raw, String license, boolean queued, int seconds, String side)
            throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(stack.broker()
                .config(Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        0,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class)))) {
            return closedLoop(side, seconds, () -> {
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (ProducerRecord<byte[], byte[]> record : records(license, queued)) {
                    // the same record, headers and key, to the raw side's topic standing beside the system's
                    String topic = TenantTopics.isTenantTopic(record.topic()) ? raw.tenant() : raw.events();
                    acks.add(producer.send(
                            new ProducerRecord<>(topic, null, record.key(), record.value(), record.headers())));
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(30, TimeUnit.SECONDS);
                }
                return true;
            });
        }
    }

    /** What asset-api writes for one task: the task, ACCEPTED, and QUEUED while no GPU is online. */
    static List<ProducerRecord<byte[], byte[]>> records(String license, boolean queued) {
        Instant now = Instant.now();
        TaskRequested task = TaskRequested.newBuilder()
                .setRequestId("task_" + UUID.randomUUID())
                .setLicenseKey(license)
                .setTaskType(StackUnderTest.TASK_TYPE)
                .setPayload(new GenericPayload("{\"n\":1}"))
                .setPriority(Priority.NORMAL)
                .setRequestedAt(now)
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "bench-raw", null, "pc"))
                .build();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(TenantTopics.forTask(task).record(task.getRequestId(), task));
        records.add(Topics.TASK_EVENTS.record(
                task.getRequestId(),
                TaskEvents.about(task, TaskEventType.ACCEPTED, "bench", now)
                        .setOrigin(task.getOrigin())
                        .setPriority(task.getPriority())
                        .build()));
        if (queued) {
            records.add(Topics.TASK_EVENTS.record(
                    task.getRequestId(),
                    TaskEvents.about(task, TaskEventType.QUEUED, "bench", now).build()));
        }
        return records;
    }

    /** One task, sent and acknowledged (true) or refused (false); an exception counts as refused. */
    private interface Submit {
        boolean once() throws Exception;
    }

    /**
     * {@code intakeConcurrency} threads submit one task after another; the tasks completed inside the measured window
     * of {@code seconds}, after a warm-up of a quarter of it, count.
     */
    private Result closedLoop(String side, int seconds, Submit submit) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 4));
        long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        AtomicInteger counted = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < profile.intakeConcurrency(); i++) {
            Thread sender = new Thread(
                    () -> {
                        while (System.nanoTime() < measureTo) {
                            boolean ok;
                            try {
                                ok = submit.once();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            } catch (Exception e) {
                                ok = false;
                            }
                            long now = System.nanoTime();
                            if (!ok) {
                                errors.incrementAndGet();
                            } else if (now >= measureFrom && now < measureTo) {
                                counted.incrementAndGet();
                            }
                        }
                    },
                    "intake-" + side + "-" + i);
            sender.setDaemon(true);
            senders.add(sender);
            sender.start();
        }
        // the last ones finish before the other side starts
        for (Thread sender : senders) {
            sender.join(TimeUnit.SECONDS.toMillis(seconds * 2L + 60));
        }
        double perSecond = counted.get() / (double) seconds;
        System.out.printf(
                "[bench] intake %s: %.1f tasks/s (%d in window, %d errors, %d synchronous senders)%n",
                side, perSecond, counted.get(), errors.get(), profile.intakeConcurrency());
        return new Result(perSecond, counted.get(), errors.get());
    }
}
