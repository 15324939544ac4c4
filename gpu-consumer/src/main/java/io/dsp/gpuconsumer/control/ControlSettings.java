package io.dsp.gpuconsumer.control;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the worker's reading of {@code dsp.task-control}.
 *
 * @param cancelMemory how far back a starting worker reads cancel commands, and how long one is kept waiting for its
 *     task to arrive; longer than a task can wait in {@code dsp.dispatch} plus its longest run; default 2 h (the
 *     dispatcher's in-flight expiry)
 * @param startupTimeout how long start-up may take to read those commands before the slots start anyway (a cancel not
 *     read yet then takes effect when it is read, on a running task); default 30 s
 */
@Validated
@ConfigurationProperties("dsp.gpu-consumer.control")
public record ControlSettings(
        @NotNull @DefaultValue("2h") Duration cancelMemory,
        @NotNull @DefaultValue("30s") Duration startupTimeout) {}
