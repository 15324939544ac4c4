package io.dsp.core.ledger;

import static io.dsp.schemas.avro.TaskEventType.STARTED;
import static io.dsp.schemas.avro.TaskEventType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.CoreBroker;
import io.dsp.core.support.TestTasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * The ledger's horizon against a real broker (ADR 024): at start it reads {@code dsp.task-events} only from the first
 * record written within the horizon, so older histories cost neither time nor memory, and what it must know (a task
 * that finished recently, however long ago it started) it still knows.
 */
@CoreBroker
class KafkaTaskLedgerIT {

    private static final Duration HORIZON = Duration.ofHours(24);

    private static String bootstrap;
    private static KafkaProducer<byte[], byte[]> producer;

    private final List<KafkaTaskLedger> ledgers = new ArrayList<>();

    @BeforeAll
    static void connect(EmbeddedKafkaBroker broker) throws Exception {
        bootstrap = broker.getBrokersAsString();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(Topics.TASK_EVENTS.newTopic((short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG,
                "all"));
    }

    @AfterAll
    static void disconnect() {
        producer.close(Duration.ofSeconds(5));
    }

    @AfterEach
    void stopLedgers() {
        ledgers.forEach(KafkaTaskLedger::stop);
    }

    @Test
    void startsFromTheHorizonAndStillKnowsWhatFinishedWithinIt() throws Exception {
        // given a history: 50 tasks that ran 10 days to 2 days ago, written with those times, then recent ones
        Instant now = Instant.now();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Instant at = now.minus(Duration.ofDays(10)).plus(Duration.ofHours(4L * i));
            sent.add(write("req-old-" + i, STARTED, at));
            sent.add(write("req-old-" + i, SUCCEEDED, at.plusSeconds(30)));
        }
        // a task that started before the horizon and finished within it
        sent.add(write("req-long", STARTED, now.minus(Duration.ofHours(26))));
        sent.add(write("req-long", SUCCEEDED, now.minus(Duration.ofHours(3))));
        // a task that finished an hour ago, and one whose attempt is still open
        sent.add(write("req-recent", STARTED, now.minus(Duration.ofMinutes(70))));
        sent.add(write("req-recent", SUCCEEDED, now.minus(Duration.ofMinutes(60))));
        sent.add(write("req-running", STARTED, now.minus(Duration.ofMinutes(5))));
        for (Future<RecordMetadata> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }

        // when a ledger with a 24 h horizon starts, as a worker does
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        KafkaTaskLedger ledger = started(HORIZON, meters);

        // then it holds only the three tasks with events within the horizon
        assertThat(ledger.size()).isEqualTo(3);
        assertThat(meters.get(MetricNames.LEDGER_TASKS).gauge().value()).isEqualTo(3);
        assertThat(ledger.priorAttempts("req-recent")).isEqualTo(new PriorAttempts(SUCCEEDED, 0, null, 1));
        assertThat(ledger.priorAttempts("req-long"))
                .isEqualTo(new PriorAttempts(SUCCEEDED, 0, null)); // its start, before the horizon, was not read
        assertThat(ledger.priorAttempts("req-running")).isEqualTo(new PriorAttempts(null, 1, "w1", 1));
        // the old histories were not read at all
        assertThat(ledger.priorAttempts("req-old-0")).isEqualTo(PriorAttempts.NONE);
        assertThat(ledger.priorAttempts("req-old-49")).isEqualTo(PriorAttempts.NONE);

        // and then it follows the topic as before: an outcome written now is seen at the next look
        write("req-running", SUCCEEDED, Instant.now()).get(30, TimeUnit.SECONDS);
        assertThat(ledger.priorAttempts("req-running").finished()).isTrue();

        // while a ledger whose horizon covers the whole retention (the earlier behaviour) reads every history
        KafkaTaskLedger whole = started(Duration.ofDays(30), new SimpleMeterRegistry());
        assertThat(whole.size()).isEqualTo(53);
        assertThat(whole.priorAttempts("req-old-0")).isEqualTo(new PriorAttempts(SUCCEEDED, 0, null, 1));
    }

    private KafkaTaskLedger started(Duration horizon, SimpleMeterRegistry meters) {
        KafkaTaskLedger ledger = new KafkaTaskLedger(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                horizon,
                Duration.ofSeconds(30),
                true,
                Duration.ofSeconds(10),
                Clock.systemUTC(),
                meters,
                0);
        ledgers.add(ledger);
        ledger.start();
        return ledger;
    }

    private static Future<RecordMetadata> write(String requestId, TaskEventType type, Instant at) {
        TaskEvent event = TaskEvents.about(task(requestId), type, "gpu-consumer", at)
                .setWorkerId("w1")
                .setDeliveryCount(1)
                .build();
        ProducerRecord<byte[], byte[]> encoded = Topics.TASK_EVENTS.record(requestId, event);
        // the record's own time is the event's: that is what the horizon is measured by
        return producer.send(new ProducerRecord<>(
                encoded.topic(), null, at.toEpochMilli(), encoded.key(), encoded.value(), encoded.headers()));
    }

    private static TaskRequested task(String requestId) {
        return TestTasks.deleteAsset(requestId);
    }
}
