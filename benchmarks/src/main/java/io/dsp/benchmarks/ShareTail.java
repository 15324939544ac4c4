package io.dsp.benchmarks;

import io.dsp.schemas.topic.Groups;
import io.dsp.testkit.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Raw share consumers with the fleet's slot settings (one record per poll, explicit ACCEPT, sent with the next poll)
 * in a share group of their own, configured like the fleet's (earliest, read committed): the last hop of the
 * raw path, noting when each key is handed out.
 */
final class ShareTail implements AutoCloseable {

    /** Experiment knobs: commit each acknowledgement at once, and the share fetch's longest wait (default 500). */
    static final boolean COMMIT_EACH = Boolean.getBoolean("bench.raw.commit");

    static final int FETCH_MAX_WAIT_MS = Integer.getInteger("bench.raw.fetch-max-wait-ms", 500);

    private final String group;
    private final List<KafkaShareConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Latencies latencies = new Latencies();
    private volatile boolean running = true;

    ShareTail(String topic, String group, int count) throws Exception {
        this.group = group;
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        List<AlterConfigOp> ops = Groups.GPU_FLEET_CONFIGS.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        KafkaTestBroker.get()
                .admin()
                .incrementalAlterConfigs(Map.of(resource, ops))
                .all()
                .get(30, TimeUnit.SECONDS);
        for (int i = 0; i < count; i++) {
            Map<String, Object> config = new HashMap<>(Groups.GPU_FLEET_SLOT_CONSUMER);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            // the knob the report names is the one applied (it was read and never passed on before)
            config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
            config.put(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    KafkaTestBroker.get().bootstrapServers());
            KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(config);
            consumer.subscribe(List.of(topic));
            consumers.add(consumer);
            Thread thread = new Thread(() -> run(consumer), "raw-share-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    void measureInto(Latencies next) {
        latencies = next;
    }

    private void run(KafkaShareConsumer<byte[], byte[]> consumer) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    latencies.ended(new String(r.key(), StandardCharsets.UTF_8), System.nanoTime());
                    // the acknowledgement rides on the next poll: the leanest correct use of a share consumer
                    consumer.acknowledge(r, AcknowledgeType.ACCEPT);
                    if (COMMIT_EACH) {
                        consumer.commitSync(Duration.ofSeconds(30));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Whether every consumer has joined and has the partition. */
    boolean ready() {
        try {
            ShareGroupDescription g = KafkaTestBroker.get()
                    .admin()
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
