package io.dsp.gpuconsumer.ledger;

import static io.dsp.schemas.avro.TaskEventType.FAILED;
import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.ledger.KafkaTaskLedger;
import io.dsp.core.ledger.PriorAttempts;
import io.dsp.gpuconsumer.WorkerMetrics;
import io.dsp.gpuconsumer.execution.TaskDeadlines;
import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaAdmin;

/** The worker's Kafka-kept ledger against a real broker, outside any application: what survives a restart, what is seen when. */
class KafkaTaskLedgerIT {

    private static final LedgerSettings SETTINGS = new LedgerSettings(
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(24));

    private final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KafkaTestBroker.get().bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.ACKS_CONFIG,
            "all"));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private KafkaTaskLedger ledger;

    @AfterEach
    void stop() {
        if (ledger != null) {
            ledger.stop();
        }
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void aLedgerStartedLaterKnowsEveryTaskFinishedBefore() throws Exception {
        // given tasks that ended before this worker started
        TaskRequested succeeded = TestTasks.deleteAsset("license-a", 1);
        TaskRequested failed = TestTasks.deleteAsset("license-b", 2);
        TaskRequested abandoned = TestTasks.deleteAsset("license-c", 3);
        write(succeeded, STARTED, "gpu-1");
        write(succeeded, SUCCEEDED, "gpu-1");
        write(failed, STARTED, "gpu-2");
        write(failed, FAILED, "gpu-2");
        write(abandoned, STARTED, "gpu-3");

        // when a ledger starts from nothing, as after a restart
        ledger = startedLedger();

        // then it knows them all
        assertThat(ledger.priorAttempts(succeeded.getRequestId())).isEqualTo(new PriorAttempts(SUCCEEDED, 0, null, 1));
        assertThat(ledger.priorAttempts(failed.getRequestId())).isEqualTo(new PriorAttempts(FAILED, 0, null, 1));
        assertThat(ledger.priorAttempts(abandoned.getRequestId())).isEqualTo(new PriorAttempts(null, 1, "gpu-3", 1));
        assertThat(ledger.priorAttempts("req-never-seen")).isEqualTo(PriorAttempts.NONE);
        assertThat(meters.get(WorkerMetrics.LEDGER_TASKS).gauge().value()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void seesAnOutcomeTheMomentKafkaHasAcknowledgedIt() throws Exception {
        // given a running ledger
        ledger = startedLedger();
        for (int i = 0; i < 20; i++) {
            TaskRequested task = TestTasks.deleteAsset("license-" + i, i + 1);

            // when another worker's outcome has just been written
            write(task, SUCCEEDED, "gpu-elsewhere");

            // then the very next look finds it, without waiting or retrying in the test
            assertThat(ledger.priorAttempts(task.getRequestId()).finished()).isTrue();
        }
    }

    private KafkaTaskLedger startedLedger() {
        KafkaTaskLedger started = new LedgerConfiguration()
                .taskLedger(
                        new KafkaAdmin(Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                KafkaTestBroker.get().bootstrapServers())),
                        SETTINGS,
                        new TaskDeadlines(Duration.ofHours(1), Map.of()),
                        Clock.systemUTC(),
                        meters);
        started.start();
        return started;
    }

    private void write(TaskRequested task, TaskEventType type, String workerId) throws Exception {
        TaskEvent event = TaskEvents.about(task, type, "gpu-consumer", Instant.now())
                .setWorkerId(workerId)
                .setDeliveryCount(1)
                .build();
        producer.send(Topics.TASK_EVENTS.record(event.getRequestId(), event)).get(30, TimeUnit.SECONDS);
    }
}
