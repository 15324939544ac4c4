package io.dsp.testkit;

import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.schemas.topic.TopicSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Reads one topic of the test broker through a {@link TopicView} (outside any group, committed records only: what the
 * fleet sees) and keeps what it decoded. Tests filter by their own keys: the shared topics are shared by every test in
 * the JVM. A record that is not of the topic's contract (a test wrote garbage on purpose) is skipped.
 */
public final class TopicTail<K, V> implements AutoCloseable {

    /** One record read, decoded; {@code value} is {@code null} for a tombstone. */
    public record Received<K, V>(K key, V value) {}

    private final List<Received<K, V>> received = new CopyOnWriteArrayList<>();
    private final TopicView view;

    private TopicTail(TopicSpec<K, V> topic, StartRule start) {
        this.view = TopicView.builder(
                        "tail-" + topic.name(),
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                KafkaTestBroker.get().bootstrapServers()))
                .follow(topic, start, r -> received.add(new Received<>(topic.key(r), topic.value(r))))
                .build();
        // Positions are resolved before start() returns: nothing written after this constructor returns is missed.
        view.start();
    }

    /** Everything written to the topic from now on. */
    public static <K, V> TopicTail<K, V> fromEnd(TopicSpec<K, V> topic) {
        return new TopicTail<>(topic, StartRule.now());
    }

    /** Everything in the topic, from its first retained record on. */
    public static <K, V> TopicTail<K, V> fromBeginning(TopicSpec<K, V> topic) {
        return new TopicTail<>(topic, StartRule.beginning());
    }

    /** Every record read so far, in the order read. */
    public List<Received<K, V>> records() {
        return List.copyOf(received);
    }

    /** Every non-tombstone value read so far, in the order read. */
    public List<V> values() {
        return received.stream().map(Received::value).filter(Objects::nonNull).toList();
    }

    @Override
    public void close() throws InterruptedException {
        view.stop();
    }
}
