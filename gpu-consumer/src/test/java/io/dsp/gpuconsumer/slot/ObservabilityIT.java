package io.dsp.gpuconsumer.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gpuconsumer.GpuConsumerIntegrationTest;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import io.dsp.testkit.KafkaTestBroker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What a task leaves behind for operators: its trace continued from the dispatch record onto every event the worker
 * writes, and the worker's meters (named by {@link MetricNames}) on the Prometheus page.
 */
@GpuConsumerIntegrationTest
class ObservabilityIT {

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    @Test
    void eventsContinueTheTaskTraceAndTheOutcomeIsCountedTimedAndScraped() throws Exception {
        // given a task released with a trace context, as the dispatcher writes it
        TraceContext trace = TraceContext.start();
        TaskRequested task = TestHandlers.sleeping("license-" + UUID.randomUUID(), 50);
        double succeededBefore = succeeded();
        java.util.Map<String, Long> handOversBefore = handOvers();
        List<ConsumerRecord<byte[], byte[]>> events = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<byte[], byte[]> tail = eventsFromEnd()) {
            ProducerRecord<byte[], byte[]> record = Topics.DISPATCH.record(task.getRequestId(), task);
            trace.writeTo(record.headers());
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                producer.send(record).get(30, TimeUnit.SECONDS);
            }

            // when it runs, then STARTED and SUCCEEDED carry the same trace, each as a child span of the worker's hop
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                tail.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (task.getRequestId().equals(Topics.TASK_EVENTS.key(r))) {
                        events.add(r);
                    }
                });
                assertThat(events).hasSize(2);
            });
        }
        assertThat(events)
                .allSatisfy(r -> assertThat(TraceContext.fromHeaders(r.headers()))
                        .hasValueSatisfying(t -> {
                            assertThat(t.traceId()).isEqualTo(trace.traceId());
                            assertThat(t.spanId()).isNotEqualTo(trace.spanId());
                        }));
        assertThat(events.stream().map(r -> Topics.TASK_EVENTS.value(r)).map(TaskEvent::getType))
                .extracting(Enum::name)
                .containsExactly("STARTED", "SUCCEEDED");

        // and the outcome is counted by type, its duration timed, and the worker's in-flight gauge tagged with it
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(succeeded() - succeededBefore).isEqualTo(1));
        Timer duration = meters.find(MetricNames.TASK_DURATION)
                .tag(MetricNames.TAG_TASK_TYPE, TestHandlers.SLEEPS)
                .tag(MetricNames.TAG_OUTCOME, "succeed")
                .timer();
        assertThat(duration).isNotNull();
        assertThat(duration.count()).isPositive();
        assertThat(meters.find(MetricNames.WORKER_IN_FLIGHT)
                        .tag(MetricNames.TAG_WORKER, GpuConsumerIntegrationTest.WORKER_ID)
                        .gauge())
                .isNotNull();
        // and each step of its hand-over was timed once more, the GPU idle meanwhile (the outcome's once the slot
        // saw it land, a moment after the counter above)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            java.util.Map<String, Long> handOvers = handOvers();
            for (String step : java.util.List.of("ledger", "started", "confirm", "outcome")) {
                assertThat(handOvers.get(step) - handOversBefore.get(step))
                        .as(step)
                        .isPositive();
            }
        });
        String page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(page)
                .contains("dsp_tasks_succeeded_total{source=\"gpu-consumer\",task_type=\"" + TestHandlers.SLEEPS)
                .contains("dsp_task_duration_seconds_bucket{")
                .contains("dsp_worker_task_handover_seconds_count{source=\"gpu-consumer\",step=\"confirm\"")
                .contains("dsp_worker_in_flight{worker=\"" + GpuConsumerIntegrationTest.WORKER_ID + "\"");
    }

    private double succeeded() {
        Counter counter = meters.find(MetricNames.TASKS_SUCCEEDED)
                .tag(MetricNames.TAG_TASK_TYPE, TestHandlers.SLEEPS)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static KafkaConsumer<byte[], byte[]> eventsFromEnd() {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.TASK_EVENTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start now, before the task is released
        return consumer;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    /** How many times each hand-over step was timed so far. */
    private java.util.Map<String, Long> handOvers() {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        for (String step : WorkerMetrics.HANDOVER_STEPS) {
            Timer timer = meters.find(WorkerMetrics.HANDOVER)
                    .tag(MetricNames.TAG_STEP, step)
                    .timer();
            counts.put(step, timer == null ? 0 : timer.count());
        }
        return counts;
    }
}
