package io.dsp.gpuconsumer.presence;

import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** The worker's timer for its presence beats: Boot's scheduler (settings under {@code spring.task.scheduling.*}). */
@Configuration(proxyBeanMethods = false)
class PresenceScheduling {

    @Bean
    ThreadPoolTaskScheduler taskScheduler(ThreadPoolTaskSchedulerBuilder builder) {
        return builder.threadNamePrefix("presence-heartbeat-").build();
    }
}
