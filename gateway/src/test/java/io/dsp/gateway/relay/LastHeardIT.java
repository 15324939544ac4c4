package io.dsp.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Other gateway instances of this JVM beat on the same relay: the records here are written half an hour
 * ahead of them. */
class LastHeardIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Map<String, Object> kafka = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers());

    @Test
    void aGatewayWasLastHeardAtItsNewestAliveBeatNotAtAnotherServicesRelayFrame() throws Exception {
        TopicProvisioner.provision(kafka);
        // within the hour ahead the broker accepts (message.timestamp.after.max.ms)
        Instant beat = Instant.now().plus(Duration.ofMinutes(30));
        Instant bootTrigger = beat.plusSeconds(40); // asset-api relays boot triggers while no gateway runs
        write("UNKNOWN|gw-last-" + UUID.randomUUID(), RelayTarget.UNKNOWN, beat);
        // (with no target, so that the instances of this JVM deliver it to nobody)
        write("MONITORS|asset-api", RelayTarget.UNKNOWN, bootTrigger);

        Optional<Instant> heard =
                LastHeard.anyGateway(kafka, bootTrigger.plusSeconds(60), Duration.ofMinutes(10), WAIT);

        assertThat(heard).contains(beat.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @Test
    void noGatewayWasHeardWhenNoBeatIsRecentEnough() {
        TopicProvisioner.provision(kafka);
        // a day ahead, the beats of this JVM's instances are older than the look-back
        Instant later = Instant.now().plus(Duration.ofDays(1));

        assertThat(LastHeard.anyGateway(kafka, later, Duration.ofMinutes(10), WAIT))
                .isEmpty();
    }

    @Test
    void aRelayThatCannotBeReachedTellsNothing() {
        Map<String, Object> nowhere = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:1",
                "request.timeout.ms",
                500,
                "default.api.timeout.ms",
                1000);

        assertThat(LastHeard.anyGateway(nowhere, Instant.now(), Duration.ofMinutes(10), Duration.ofSeconds(2)))
                .isEmpty();
    }

    private void write(String key, RelayTarget target, Instant at) throws Exception {
        RelayFrame frame = RelayFrame.newBuilder()
                .setRelayId(UUID.randomUUID().toString())
                .setTarget(target)
                .setAddress(null)
                .setFrameJson("{\"type\":\"gateway.alive\"}")
                .setOrigin(key.substring(key.indexOf('|') + 1))
                .setAt(at)
                .build();
        ProducerRecord<byte[], byte[]> typed = Topics.GATEWAY_RELAY.record(key, frame);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(typed.topic(), null, at.toEpochMilli(), typed.key(), typed.value()))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
