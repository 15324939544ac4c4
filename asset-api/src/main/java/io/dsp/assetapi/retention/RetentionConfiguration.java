package io.dsp.assetapi.retention;

import io.dsp.core.store.ResultStore;
import io.dsp.core.store.ResultStoreSettings;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** The retention sweep on its schedule, and the central result store it sweeps. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(ResultStoreSettings.class)
class RetentionConfiguration implements SchedulingConfigurer {

    /** Soon after a start (a restart after a long outage cleans up early), never before the first interval. */
    private static final Duration FIRST_SWEEP_AT_MOST = Duration.ofMinutes(1);

    private final RetentionSettings settings;
    private final RetentionSweeper sweeper;

    RetentionConfiguration(RetentionSettings settings, RetentionSweeper sweeper) {
        this.settings = settings;
        this.sweeper = sweeper;
    }

    /** The result store, unless the result downloads declared it already. */
    @Bean
    @ConditionalOnMissingBean
    static ResultStore resultStore(ResultStoreSettings settings) {
        return settings.open();
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
