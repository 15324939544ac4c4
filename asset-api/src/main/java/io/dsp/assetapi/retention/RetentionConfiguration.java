package io.dsp.assetapi.retention;

import java.time.Duration;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** The retention sweep on its schedule (the result store it sweeps is the result feature's). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class RetentionConfiguration implements SchedulingConfigurer {

    /** Soon after a start (a restart after a long outage cleans up early), never before the first interval. */
    private static final Duration FIRST_SWEEP_AT_MOST = Duration.ofMinutes(1);

    private final RetentionSettings settings;
    private final RetentionSweeper sweeper;

    RetentionConfiguration(RetentionSettings settings, RetentionSweeper sweeper) {
        this.settings = settings;
        this.sweeper = sweeper;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (!settings.enabled()) {
            return;
        }
        Duration interval = settings.sweepInterval();
        Duration first = interval.compareTo(FIRST_SWEEP_AT_MOST) < 0 ? interval : FIRST_SWEEP_AT_MOST;
        registrar.addFixedDelayTask(new FixedDelayTask(sweeper::sweep, interval, first));
    }
}
