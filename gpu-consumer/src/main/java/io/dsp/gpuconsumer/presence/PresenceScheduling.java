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
        // The beats go on while the slots stop (PresencePublisher#stop), saying the worker drains: the scheduler is not
        // shut down at the context's close event, as Spring does by default, but when the context is destroyed; and its
        // own lifecycle stop comes last (at its default phase it came first, stopping the publisher, its dependent).
        scheduler.setAcceptTasksAfterContextClose(true);
        scheduler.setPhase(Integer.MIN_VALUE);
        return scheduler;
    }
}
