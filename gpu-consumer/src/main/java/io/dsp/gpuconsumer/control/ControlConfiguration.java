package io.dsp.gpuconsumer.control;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
class ControlConfiguration {

    @Bean
    Cancellations cancellations(ControlSettings settings, Clock clock) {
        return new Cancellations(settings, clock);
    }

    @Bean
    TaskControlFeed taskControlFeed(
            KafkaAdmin kafkaAdmin, Cancellations cancellations, ControlSettings settings, Clock clock) {
        return new TaskControlFeed(kafkaAdmin, cancellations, settings, clock);
    }
}
