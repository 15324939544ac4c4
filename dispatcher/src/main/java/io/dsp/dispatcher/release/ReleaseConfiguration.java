package io.dsp.dispatcher.release;

import io.dsp.core.view.TopicView;
import io.dsp.dispatcher.DispatcherSettings;
import io.dsp.dispatcher.fleet.FleetView;
import io.dsp.schemas.topic.Lane;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;

/** One release loop per lane, each against its own fleet view: one lane's backlog never holds up another's. */
@Configuration(proxyBeanMethods = false)
class ReleaseConfiguration {

    @Bean
    @Primary
    ReleaseLoop releaseLoop(
            ConsumerFactory<byte[], byte[]> consumers,
            ProducerFactory<byte[], byte[]> producers,
            FleetView fleetView,
            TopicView feed,
            DispatcherSettings settings,
            Clock clock,
            MeterRegistry meters) {
        return new ReleaseLoop(Lane.GPU, consumers, producers, fleetView, feed, settings, clock, meters);
    }

    @Bean
    ReleaseLoop automationReleaseLoop(
            ConsumerFactory<byte[], byte[]> consumers,
            ProducerFactory<byte[], byte[]> producers,
            @Qualifier("automationFleetView") FleetView automationFleetView,
            TopicView feed,
            DispatcherSettings settings,
            Clock clock,
            MeterRegistry meters) {
        return new ReleaseLoop(
                Lane.AUTOMATION, consumers, producers, automationFleetView, feed, settings, clock, meters);
    }
}
