package io.dsp.dispatcher.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dispatcher's transactional producer, driven explicitly: one transaction per release turn holding the forwarded
 * tasks, their events and the tenant offsets. After an abortable error the transaction is aborted and the producer
 * kept; after a fatal one the producer is replaced by one with the same {@code transactional.id}, whose
 * {@code initTransactions()} aborts anything its predecessor left open at once (a new id would leave the tenant
 * offsets locked until the transaction timeout).
 */
final class ReleaseTransactions implements AutoCloseable {

    private final Map<String, Object> config;
    private KafkaProducer<byte[], byte[]> producer;

    ReleaseTransactions(Map<String, Object> producerConfig, String transactionalId) {
        this.config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // A turn must not hang for the client default of 60 s on an unreachable coordinator.
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        open();
    }

    private void open() {
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    /**
     * Sends the records and, when given, commits the consumer offsets, all or nothing.
     *
     * @return where each record was written, in the order given
     * @throws RuntimeException when the transaction was aborted; nothing of it is visible to read-committed readers
     */
    List<RecordMetadata> commit(
            List<ProducerRecord<byte[], byte[]>> records,
            Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group) {
        try {
            producer.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
            records.forEach(r -> sent.add(producer.send(r)));
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            producer.commitTransaction();
            // committed: every send has completed
            List<RecordMetadata> written = new ArrayList<>(sent.size());
            for (Future<RecordMetadata> f : sent) {
                written.add(f.get());
            }
            return written;
        } catch (InterruptedException | ExecutionException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // not reached after a commit that returned; said plainly should a client version ever differ
            throw new KafkaException("a record of a committed transaction has no metadata", e);
        } catch (ProducerFencedException
                | OutOfOrderSequenceException
                | AuthorizationException
                | UnsupportedVersionException
                | TimeoutException fatal) {
            // Fatal, or a commit whose outcome is unknown: a fresh producer with the same id aborts what is open.
            reopen();
            throw fatal;
        } catch (RuntimeException abortable) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailed) {
                reopen();
            }
            throw abortable;
        }
    }

    private void reopen() {
        producer.close(Duration.ZERO);
        open();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
