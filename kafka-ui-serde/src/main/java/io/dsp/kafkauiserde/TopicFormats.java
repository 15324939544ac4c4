package io.dsp.kafkauiserde;

import io.dsp.schemas.serde.AvroSerde;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What each topic carries, taken from the catalogue itself ({@link Topics#SHARED}, {@link TenantTopics#PATTERN}), so a
 * topic added there is shown without a change here.
 */
final class TopicFormats {

    /** How a key is written. */
    enum KeyKind {
        /** UTF-8 text (request ids, worker ids, license keys). */
        STRING,
        /** Kafka's 8-byte big-endian long ({@code dsp.assets}: asset ids). */
        LONG
    }

    /**
     * One topic's format.
     *
     * @param key how keys are written
     * @param value the current schema of its Avro values, or {@code null} for UTF-8 text values
     */
    record Format(KeyKind key, Schema value) {

        boolean avroValues() {
            return value != null;
        }
    }

    private final Map<String, Format> shared = new LinkedHashMap<>();
    private final Format tenant;

    TopicFormats(List<TopicSpec<?, ?>> sharedTopics, WriterSchemas schemas) {
        for (TopicSpec<?, ?> spec : sharedTopics) {
            Format format = formatOf(spec);
            if (format.avroValues()) {
                schemas.addCurrent(format.value());
            }
            shared.put(spec.name(), format);
        }
        tenant = formatOf(TenantTopics.forLicense("any"));
        schemas.addCurrent(tenant.value());
    }

    /** The format of a catalogue topic or tenant topic; {@code null} for any other topic. */
    Format of(String topic) {
        Format format = shared.get(topic);
        if (format == null && TenantTopics.isTenantTopic(topic)) {
            return tenant;
        }
        return format;
    }

    private static Format formatOf(TopicSpec<?, ?> spec) {
        KeyKind key = spec.keySerde() instanceof Serdes.LongSerde ? KeyKind.LONG : KeyKind.STRING;
        if (!(spec.keySerde() instanceof Serdes.LongSerde) && !(spec.keySerde() instanceof Serdes.StringSerde)) {
            throw new IllegalStateException("Topic " + spec.name() + " has keys of a kind this plug-in does not know: "
                    + spec.keySerde().getClass().getName());
        }
        if (spec.valueSerde() instanceof AvroSerde<?> avro) {
            return new Format(key, SpecificData.get().getSchema(avro.type()));
        }
        if (spec.valueSerde() instanceof Serdes.StringSerde) {
            return new Format(key, null);
        }
        throw new IllegalStateException("Topic " + spec.name() + " has values of a kind this plug-in does not know: "
                + spec.valueSerde().getClass().getName());
    }
}
