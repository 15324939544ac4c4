package io.dsp.ops.deadletter;

import io.dsp.ops.cli.Progress;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/** The retained content of {@code dsp.dead-letters}: the latest letter per request id, in the order written. */
final class DeadLetters {

    private DeadLetters() {}

    static List<DeadLetter> read(KafkaAccess kafka, String licenseKey) {
        Map<String, DeadLetter> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                kafka.readAll(Topics.DEAD_LETTERS, Progress.of("reading dead letters"))) {
            if (record.value() == null) {
                continue;
            }
            try {
                DeadLetter letter = Topics.DEAD_LETTERS.value(record);
                if (licenseKey == null || licenseKey.equals(letter.getTask().getLicenseKey())) {
                    latest.remove(letter.getTask().getRequestId());
                    latest.put(letter.getTask().getRequestId(), letter);
                }
            } catch (SerializationException e) {
                // not a dead letter of this contract
            }
        }
        return new ArrayList<>(latest.values());
    }
}
