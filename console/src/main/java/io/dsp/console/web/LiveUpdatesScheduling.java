package io.dsp.console.web;

import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** The push loop's timer: Boot's scheduler (settings under {@code spring.task.scheduling.*}). */
@Configuration(proxyBeanMethods = false)
class LiveUpdatesScheduling {

    @Bean
    ThreadPoolTaskScheduler taskScheduler(ThreadPoolTaskSchedulerBuilder builder) {
        return builder.threadNamePrefix("console-live-updates-").build();
    }
}
