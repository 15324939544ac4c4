package io.dsp.testkit;

import io.dsp.schemas.topic.TopicSpec;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A transaction held open on one partition of a topic, as a broker restart leaves one until its coordinator aborts it:
 * read-committed readers see nothing written to that partition after it until it ends. Closing it aborts it.
 */
public final class OpenTransaction implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;

    private OpenTransaction(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** Opens a transaction on the test broker with one record, keyed {@code key}, written to {@code topic}. */
    public static <K, V> OpenTransaction on(TopicSpec<K, V> topic, K key, V value)
            throws InterruptedException, ExecutionException {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "left-open-" + UUID.randomUUID(),
                // past any test's length: the broker must not end it before the test does
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                (int) Duration.ofMinutes(5).toMillis(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
        try {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(topic.record(key, value)).get();
            return new OpenTransaction(producer);
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    /**
     * Aborts the transaction: its record is never seen by read-committed readers, and what follows it is. Throws when
     * the transaction had ended before (the broker aborted it), so a test cannot pass on a hold that was not there.
     */
    @Override
    public void close() {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            throw new IllegalStateException("the transaction held open had ended before the test let it go", e);
        } finally {
            producer.close();
        }
    }
}
