package io.dsp.ops.support;

import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Services;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.context.ConfigurableApplicationContext;

/** The real dispatcher and worker in this JVM, and writes to Kafka as the edges and workers make them. */
public final class Fleet {

    private Fleet() {}

    /**
     * A dispatcher with a short in-flight expiry: every test class shares {@code dsp.task-events}, and tasks another
     * class's worker left unfinished when it stopped would otherwise fill this dispatcher's window for two hours.
     */
    public static ConfigurableApplicationContext dispatcher(Map<String, Object> settings) {
        Map<String, Object> all = new java.util.HashMap<>(Map.of("dsp.dispatcher.in-flight-expiry", "20s"));
        all.putAll(settings);
        return Services.start(DispatcherApplication.builder(), all);
    }

    public static ConfigurableApplicationContext worker() {
        return Services.start(
                GpuConsumerApplication.builder(),
                Map.of("dsp.gpu-consumer.heartbeat-interval", "1s", "dsp.gpu-consumer.retry-backoff", "200ms"));
    }

    public static void close(ConfigurableApplicationContext... contexts) {
        for (ConfigurableApplicationContext context : contexts) {
            if (context != null) {
                context.close();
            }
        }
    }

    /** A delete_asset task as asset-api accepts it. */
    public static TaskRequested deleteAsset(String licenseKey, String requestId, long assetId) {
        return TaskRequested.newBuilder()
                .setRequestId(requestId)
                .setLicenseKey(licenseKey)
                .setTaskType("delete_asset")
                .setPayload(new DeleteAssetPayload(assetId, null, null))
                .setPriority(Priority.NORMAL)
                .setRequestedAt(Instant.now())
                .setOrigin(new TaskOrigin(TaskChannel.HTTP, "asset-api", null, "pc"))
                .build();
    }

    /** Queues tasks as an edge does: each in its tenant topic with its ACCEPTED step. */
    public static void accept(List<TaskRequested> tasks) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TaskRequested task : tasks) {
            KafkaTestBroker.get().ensureTenantTopic(task.getLicenseKey());
            records.add(TenantTopics.forTask(task).record(task.getRequestId(), task));
            records.add(Topics.TASK_EVENTS.record(
                    task.getRequestId(),
                    TaskEvents.about(task, TaskEventType.ACCEPTED, "asset-api", Instant.now())
                            .build()));
        }
        send(records);
    }

    /** Writes events (a worker's steps) to dsp.task-events. */
    public static void report(List<TaskEvent> events) {
        send(events.stream()
                .map(e -> Topics.TASK_EVENTS.record(e.getRequestId(), e))
                .toList());
    }

    public static void send(List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            List<Future<?>> sent = new ArrayList<>();
            records.forEach(r -> sent.add(producer.send(r)));
            for (Future<?> acknowledged : sent) {
                acknowledged.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write to Kafka", e);
        }
    }
}
