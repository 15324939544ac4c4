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
import io.dsp.testkit.KafkaTestBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Intake throughput, closed loop with the same number of tasks in flight on both sides: {@code POST /api/v1/tasks}
 * answered 202 (asset-api waits for acks=all on the task and its ACCEPTED event, and QUEUED while no GPU is online)
 * vs a raw {@link KafkaProducer} with asset-api's producer settings (acks=all, idempotence, linger 0) sending the same
 * records (the Avro task to the license's tenant topic, ACCEPTED, and QUEUED where asset-api wrote it) and counting a
 * task when all of its records are acknowledged.
 */
final class Intake {

    /** Tasks per second, and whether the system answered "queued" (so raw sends QUEUED too). */
    record Result(double perSecond, int tasks, int errors, boolean queued) {}

    private final Profile profile;
    private final BenchStack stack;
    private final HttpClient http = HttpClient.newBuilder().build();

    Intake(Profile profile, BenchStack stack) {
        this.profile = profile;
        this.stack = stack;
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

    Result system(String license) throws InterruptedException {
        AtomicBoolean queued = new AtomicBoolean();
        return closedLoop(
                done -> {
                    HttpRequest post = HttpRequest.newBuilder(URI.create(stack.baseUrl + "/api/v1/tasks"))
                            .header("Authorization", "Bearer " + license)
                            .header("X-Machine-Code", "bench-machine")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"task_type\":\"" + BenchStack.TASK_TYPE + "\",\"payload\":{\"n\":1}}"))
                            .build();
                    http.sendAsync(post, HttpResponse.BodyHandlers.ofString()).whenComplete((answer, error) -> {
                        boolean ok = error == null && requestId(answer) != null;
                        if (ok && answer.body().contains("\"queued\":true")) {
                            queued.set(true);
                        }
                        done.accept(ok);
                    });
                },
                queued);
    }

    Result raw(String license, boolean queued) throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
            return closedLoop(
                    done -> {
                        Instant now = Instant.now();
                        TaskRequested task = TaskRequested.newBuilder()
                                .setRequestId("task_" + UUID.randomUUID())
                                .setLicenseKey(license)
                                .setTaskType(BenchStack.TASK_TYPE)
                                .setPayload(new GenericPayload("{\"n\":1}"))
                                .setPriority(Priority.NORMAL)
                                .setRequestedAt(now)
                                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "bench-raw", null, "pc"))
                                .build();
                        int records = queued ? 3 : 2;
                        AtomicInteger pending = new AtomicInteger(records);
                        AtomicBoolean failed = new AtomicBoolean();
                        org.apache.kafka.clients.producer.Callback callback = (metadata, error) -> {
                            if (error != null) {
                                failed.set(true);
                            }
                            if (pending.decrementAndGet() == 0) {
                                done.accept(!failed.get());
                            }
                        };
                        producer.send(TenantTopics.forTask(task).record(task.getRequestId(), task), callback);
                        producer.send(
                                Topics.TASK_EVENTS.record(
                                        task.getRequestId(),
                                        TaskEvents.about(task, TaskEventType.ACCEPTED, "bench", now)
                                                .setOrigin(task.getOrigin())
                                                .setPriority(task.getPriority())
                                                .build()),
                                callback);
                        if (queued) {
                            producer.send(
                                    Topics.TASK_EVENTS.record(
                                            task.getRequestId(),
                                            TaskEvents.about(task, TaskEventType.QUEUED, "bench", now)
                                                    .build()),
                                    callback);
                        }
                    },
                    new AtomicBoolean(queued));
        }
    }

    private interface Submitter {
        void submit(java.util.function.Consumer<Boolean> done);
    }

    /**
     * Keeps {@code intakeConcurrency} tasks in flight; counts those completed inside the measured window, after a
     * warm-up of a quarter of it.
     */
    private Result closedLoop(Submitter submitter, AtomicBoolean queued) throws InterruptedException {
        Semaphore window = new Semaphore(profile.intakeConcurrency());
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        AtomicLong measureTo = new AtomicLong(Long.MAX_VALUE);
        AtomicInteger counted = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        long warmupNanos = TimeUnit.SECONDS.toNanos(Math.max(1, profile.intakeSeconds() / 4));
        measureFrom.set(start + warmupNanos);
        measureTo.set(start + warmupNanos + TimeUnit.SECONDS.toNanos(profile.intakeSeconds()));
        while (System.nanoTime() < measureTo.get()) {
            if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                continue;
            }
            submitter.submit(ok -> {
                long now = System.nanoTime();
                if (!ok) {
                    errors.incrementAndGet();
                } else if (now >= measureFrom.get() && now < measureTo.get()) {
                    counted.incrementAndGet();
                }
                window.release();
            });
        }
        // let the last ones finish before the other side starts
        window.tryAcquire(profile.intakeConcurrency(), 60, TimeUnit.SECONDS);
        double perSecond = counted.get() / (double) profile.intakeSeconds();
        System.out.printf(
                "[bench] intake: %.1f tasks/s (%d in window, %d errors)%n", perSecond, counted.get(), errors.get());
        return new Result(perSecond, counted.get(), errors.get(), queued.get());
    }
}
