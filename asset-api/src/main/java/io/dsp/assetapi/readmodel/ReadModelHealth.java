package io.dsp.assetapi.readmodel;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * asset-api answers from its Kafka Streams stores, so it is ready only while they run: OUT_OF_SERVICE while they
 * start or move in a rebalance, DOWN once Streams has failed.
 */
@Component
class ReadModelHealth extends AbstractHealthIndicator {

    private final StreamsBuilderFactoryBean streams;

    ReadModelHealth(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        KafkaStreams.State state = kafkaStreams == null ? KafkaStreams.State.CREATED : kafkaStreams.state();
        health.withDetail("streams", state.name());
        switch (state) {
            case RUNNING -> health.up();
            case CREATED, REBALANCING -> health.outOfService();
            default -> health.down();
        }
    }
}
