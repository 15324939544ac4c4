package io.dsp.benchmarks;

import io.dsp.schemas.topic.Groups;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Raw share consumers with the fleet's slot settings ({@link Groups#GPU_FLEET_SLOT_CONSUMER}: one record per poll,
 * {@code record_limit}, the slots' {@code fetch.max.wait.ms}, explicit acknowledgement) and the slots' poll timeout, in
 * a share group of their own configured like the fleet's ({@link Groups#GPU_FLEET_CONFIGS}: earliest, read committed):
 * the last hop of the raw path, noting when each key is handed out. Each record is ACCEPTed, the acknowledgement riding
 * on the next poll, as a slot's does ({@code Lease.acknowledgeWithNextPoll}, ADR 034), and then counts as done for the
 * forwarder's window. One thread per consumer, as one per slot.
 */
final class ShareTail implements AutoCloseable {

    private final Broker broker;
    private final String group;
    private final Duration pollTimeout;
    private final Runnable accepted;
    private final List<KafkaShareConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Latencies latencies = new Latencies();
    private volatile boolean running = true;
    private final Duration work;
    private final List<Utilisation.Interval> busy = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * @param pollTimeout the longest wait of one poll, the slots' ({@code dsp.gateway.poll-timeout})
     * @param accepted told after each ACCEPT (sent with the next poll): room for the forwarder's next record
     */
    ShareTail(Broker broker, String topic, String group, int count, Duration pollTimeout, Runnable accepted)
            throws Exception {
        this(broker, topic, group, count, pollTimeout, Duration.ZERO, accepted);
    }

    /**
     * Consumers that each spend {@code work} on a record (asleep, as a slot waits for its GPU) between the poll that
     * handed it out and its ACCEPT, noting that time in {@link #busy()}.
     */
    ShareTail(
            Broker broker,
            String topic,
            String group,
            int count,
            Duration pollTimeout,
            Duration work,
            Runnable accepted)
            throws Exception {
        this.broker = broker;
        this.work = work;
        this.group = group;
        this.pollTimeout = pollTimeout;
        this.accepted = accepted;
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        List<AlterConfigOp> ops = Groups.GPU_FLEET_CONFIGS.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        broker.admin().incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
        for (int i = 0; i < count; i++) {
            Map<String, Object> config = broker.config(Groups.GPU_FLEET_SLOT_CONSUMER);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(config);
            consumer.subscribe(List.of(topic));
            consumers.add(consumer);
            Thread thread = new Thread(() -> run(consumer), "raw-share-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** When each record was worked on (empty without work), in the order the work ended. */
    List<Utilisation.Interval> busy() {
        synchronized (busy) {
            return List.copyOf(busy);
        }
    }

    void measureInto(Latencies next) {
        latencies = next;
    }

    private void run(KafkaShareConsumer<byte[], byte[]> consumer) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(pollTimeout)) {
                    latencies.ended(new String(r.key(), StandardCharsets.UTF_8), System.nanoTime());
                    if (!work.isZero()) {
                        long began = Utilisation.nowMicros();
                        Thread.sleep(work.toMillis());
                        busy.add(new Utilisation.Interval(began, Utilisation.nowMicros()));
                    }
                    // as a slot's lease: the ACCEPT rides on the next poll (Lease.acknowledgeWithNextPoll)
                    consumer.acknowledge(r, AcknowledgeType.ACCEPT);
                    accepted.run();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }
    /** Whether every consumer has joined and has the partition. */
    boolean ready() {
        try {
            ShareGroupDescription g = broker.admin()
                    .describeShareGroups(List.of(group))
                    .describedGroups()
                    .get(group)
                    .get(10, TimeUnit.SECONDS);
            return g.members().stream()
                            .filter(m -> !m.assignment().topicPartitions().isEmpty())
                            .count()
                    == consumers.size();
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumers.forEach(KafkaShareConsumer::wakeup);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
