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
        ThreadPoolTaskScheduler scheduler =
                builder.threadNamePrefix("presence-heartbeat-").build();
        // The beats go on while the slots stop (PresencePublisher#stop), saying the worker drains: not shut down at the
        // context's close event, as Spring does by default, and paused only after every other lifecycle bean stopped.
        scheduler.setAcceptTasksAfterContextClose(true);
        scheduler.setPhase(Integer.MIN_VALUE);
        return scheduler;
    }
}
