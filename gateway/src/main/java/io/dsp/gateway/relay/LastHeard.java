package io.dsp.gateway.relay;

import io.dsp.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a gateway instance was last heard: the newest alive beat on the relay, where every live instance beats every few
 * seconds ({@link RelaySettings#aliveInterval()}). Asked once at start, before this instance beats: the gap since then
 * is how long no gateway ran (about zero when another instance runs), so it is how far back results must be routed
 * again for the clients that could not be reached meanwhile. Only beats count: asset-api writes to the relay too (boot
 * triggers) while no gateway runs.
 */
public final class LastHeard {

    private static final Logger log = LoggerFactory.getLogger(LastHeard.class);

    /** The key prefix of alive beats ({@link Relay#beat()}): a frame with no target, keyed by its instance. */
    private static final byte[] BEAT_KEY = "UNKNOWN|".getBytes(StandardCharsets.UTF_8);

    private LastHeard() {}

    /**
     * The newest beat written in the last {@code within} before {@code now}; empty if there is none (a first start, an
     * outage longer than that) or the relay cannot be read in {@code wait}.
     */
    public static Optional<Instant> anyGateway(Map<String, Object> kafka, Instant now, Duration within, Duration wait) {
        String topic = Topics.GATEWAY_RELAY.name();
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka))) {
            long deadline = System.nanoTime() + wait.toNanos();
            List<TopicPartition> partitions = consumer.partitionsFor(topic, wait).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> from = new HashMap<>();
            partitions.forEach(tp -> from.put(tp, now.minus(within).toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(from, wait);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, wait);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                if (start != null && start.offset() < ends.get(tp)) {
                    consumer.seek(tp, start.offset());
                    remaining.put(tp, ends.get(tp));
                }
            }
            consumer.assign(remaining.keySet());
            long newest = -1;
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (isBeat(r.key())) {
                        newest = Math.max(newest, r.timestamp());
                    }
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (remaining.containsKey(tp) && r.offset() + 1 >= remaining.get(tp)) {
                        remaining.remove(tp);
                    }
                }
                remaining.keySet().removeIf(tp -> consumer.position(tp) >= remaining.get(tp));
            }
            if (!remaining.isEmpty()) {
                log.warn("the relay could not be read to its end within {}: the replay reaches its most", wait);
                return Optional.empty();
            }
            return newest < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(newest));
        } catch (RuntimeException e) {
            log.warn("cannot tell when a gateway was last heard on {}: {}", topic, e.toString());
            return Optional.empty();
        }
    }

    private static boolean isBeat(byte[] key) {
        return key != null
                && java.util.Arrays.equals(key, 0, Math.min(key.length, BEAT_KEY.length), BEAT_KEY, 0, BEAT_KEY.length);
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> given) {
        Map<String, Object> config = new HashMap<>();
        given.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                config.put(k, v);
            }
        });
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-last-heard");
        return config;
    }
}
