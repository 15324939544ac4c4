package io.dsp.gateway.feed;

import io.dsp.gateway.fleet.FleetWatch;
import io.dsp.gateway.license.LicenseRegistry;
import io.dsp.gateway.relay.Relay;
import io.dsp.gateway.routing.EventRouter;
import io.dsp.gateway.routing.OutcomeSettings;
import io.dsp.gateway.routing.Outcomes;
import io.dsp.gateway.worker.WorkerBridge;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * One plain consumer (no group: every instance reads everything, each from its own position) feeding this instance's
 * views: the license registry, fleet presence and operators' worker commands from the start of their compacted topics;
 * cancellations of the last hour; task events (their
 * {@code ACCEPTED} origins, results and progress, routed to connections) and relayed frames from this instance's start
 * on. Started before the WebSocket endpoint takes connections.
 */
@Component
class TopicReader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TopicReader.class);

    private static final Duration CONTROL_LOOKBACK = Duration.ofHours(1);

    private final Map<String, Object> config = new HashMap<>();
    private final Map<String, Object> adminConfig;
    private final LicenseRegistry licenses;
    private final FleetWatch fleet;
    private final Relay relay;
    private final Outcomes outcomes;
    private final OutcomeSettings outcomeSettings;
    private final WorkerBridge workers;
    private final EventRouter router;
    private final Clock clock;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Where the start-up read of outcomes stopped: task events are followed from there, so none falls in between. */
    private volatile Map<TopicPartition, Long> outcomesReadUpTo = Map.of();

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    TopicReader(
            KafkaProperties kafka,
            KafkaAdmin admin,
            LicenseRegistry licenses,
            FleetWatch fleet,
            Relay relay,
            Outcomes outcomes,
            OutcomeSettings outcomeSettings,
            WorkerBridge workers,
            EventRouter router,
            Clock clock) {
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.adminConfig = admin.getConfigurationProperties();
        this.licenses = licenses;
        this.fleet = fleet;
        this.relay = relay;
        this.outcomes = outcomes;
        this.outcomeSettings = outcomeSettings;
        this.workers = workers;
        this.router = router;
        this.clock = clock;
    }

    @Override
    public void start() {
        TopicProvisioner.provision(adminConfig);
        outcomesReadUpTo = catchUpOutcomes();
        running = true;
        thread = new Thread(this::run, "gateway-topic-reader");
        thread.start();
        try {
            // Licenses and presence are read up to their end before the endpoint opens, so the first answers are right.
            if (!caughtUp.await(30, TimeUnit.SECONDS)) {
                log.warn("topic reader did not catch up within 30 s; starting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the outcomes recorded in the last {@code dsp.gateway.outcomes.lookback} up to the end as of now, before any
     * slot exists, so that a redelivered task that already ended is never handed to a legacy worker again (ADR 006's
     * ledger, bounded in time here). Results are not routed from this read: clients had them when they were written.
     */
    private Map<TopicPartition, Long> catchUpOutcomes() {
        Map<TopicPartition, Long> readUpTo = Map.of();
        long started = System.nanoTime();
        long applied = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            c.partitionsFor(Topics.TASK_EVENTS.name())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            c.assign(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            readUpTo = ends;
            long since = clock.instant().minus(outcomeSettings.lookback()).toEpochMilli();
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, since));
            Map<TopicPartition, OffsetAndTimestamp> starts = c.offsetsForTimes(times);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp start = starts.get(p);
                c.seek(p, start == null ? ends.get(p) : start.offset());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    log.warn(
                            "outcomes of the last {} not fully read within 60 s; starting with what was read",
                            outcomeSettings.lookback());
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(200))) {
                    TaskEvent event = Topics.TASK_EVENTS.value(record);
                    if (event != null
                            && record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        outcomes.apply(event);
                        applied++;
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn(
                    "could not read recent outcomes; a task acknowledged-but-lost before start may run again: {}",
                    e.toString());
        }
        log.info(
                "read {} task events of the last {} in {} ms",
                applied,
                outcomeSettings.lookback(),
                (System.nanoTime() - started) / 1_000_000);
        return readUpTo;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
            consumer = c;
            TopicPartition licensesPartition = new TopicPartition(Topics.LICENSES.name(), 0);
            TopicPartition workersPartition = new TopicPartition(Topics.WORKERS.name(), 0);
            List<TopicPartition> fromNow = new ArrayList<>();
            for (String topic : List.of(Topics.TASK_EVENTS.name(), Topics.GATEWAY_RELAY.name())) {
                c.partitionsFor(topic).forEach(p -> fromNow.add(new TopicPartition(p.topic(), p.partition())));
            }
            List<TopicPartition> all = new ArrayList<>(fromNow);
            TopicPartition commandsPartition = new TopicPartition(Topics.WORKER_COMMANDS.name(), 0);
            all.addAll(List.of(licensesPartition, workersPartition, commandsPartition));
            TopicPartition controlPartition = new TopicPartition(Topics.TASK_CONTROL.name(), 0);
            all.add(controlPartition);
            c.assign(all);
            c.seekToBeginning(List.of(licensesPartition, workersPartition, commandsPartition));
            c.seekToEnd(fromNow);
            outcomesReadUpTo.forEach(c::seek);
            // Cancellations of the last hour: a task cancelled after its release may still be acquired by a slot here.
            OffsetAndTimestamp since = c.offsetsForTimes(Map.of(
                            controlPartition,
                            clock.instant().minus(CONTROL_LOOKBACK).toEpochMilli()))
                    .get(controlPartition);
            if (since == null) {
                c.seekToEnd(List.of(controlPartition));
            } else {
                c.seek(controlPartition, since.offset());
            }
            // Resolve the start positions now: nothing relayed after this instance opened may be missed.
            fromNow.forEach(c::position);
            Map<TopicPartition, Long> startEnds =
                    c.endOffsets(List.of(licensesPartition, workersPartition, commandsPartition));
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            long waitingFor = -1;
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(100))) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0
                        && startEnds.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
                List<CompletableFuture<Void>> requests = licenses.takeSyncRequests();
                if (!requests.isEmpty()) {
                    waiting.addAll(requests);
                    waitingFor = c.endOffsets(List.of(licensesPartition)).get(licensesPartition);
                }
                if (!waiting.isEmpty() && c.position(licensesPartition) >= waitingFor) {
                    waiting.forEach(f -> f.complete(null));
                    waiting.clear();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("topic reader stopped; licenses, presence and results are no longer updated", e);
        } finally {
            caughtUp.countDown();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            String topic = record.topic();
            if (topic.equals(Topics.TASK_EVENTS.name())) {
                TaskEvent event = Topics.TASK_EVENTS.value(record);
                if (event != null) {
                    outcomes.apply(event);
                    router.route(event);
                }
            } else if (topic.equals(Topics.TASK_CONTROL.name())) {
                TaskControl control = Topics.TASK_CONTROL.value(record);
                if (control != null) {
                    workers.control(control);
                }
            } else if (topic.equals(Topics.WORKER_COMMANDS.name())) {
                workers.command(Topics.WORKER_COMMANDS.key(record), Topics.WORKER_COMMANDS.value(record));
            } else if (topic.equals(Topics.GATEWAY_RELAY.name())) {
                RelayFrame frame = Topics.GATEWAY_RELAY.value(record);
                if (frame != null) {
                    relay.received(frame);
                }
            } else if (topic.equals(Topics.WORKERS.name())) {
                fleet.presence(Topics.WORKERS.key(record), Topics.WORKERS.value(record));
            } else if (topic.equals(Topics.LICENSES.name())) {
                licenses.apply(Topics.LICENSES.key(record), Topics.LICENSES.value(record));
            }
        } catch (SerializationException e) {
            log.warn(
                    "skipping undecodable record {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        } catch (RuntimeException e) {
            log.warn(
                    "could not apply record {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (thread != null) {
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server opens (it starts in a later phase), after nothing else. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
