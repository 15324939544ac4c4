package io.dsp.dispatcher;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the dispatcher.
 *
 * @param prefetch tasks released beyond the fleet's free slots, so a slot that frees finds work already waiting in
 *     {@code dsp.dispatch}; 0 takes every decision as late as possible; default 1. Nothing is released while no
 *     worker is online, whatever this is.
 * @param inFlightExpiry a released task with no terminal event after this long stops counting against the window, so
 *     a lost event cannot shrink it for ever; also how far back in {@code dsp.task-events} the dispatcher reads at
 *     start-up to rebuild what is in flight; default 2 h (longer than the longest synthesis)
 * @param maxBufferedPerTenant records read ahead from one tenant topic before it is paused; bounds memory; default 100
 * @param pollTimeout longest wait for new records in one loop turn; default 100 ms
 */
@Validated
@ConfigurationProperties("dsp.dispatcher")
public record DispatcherSettings(
        @Min(0) @DefaultValue("1") int prefetch,
        @NotNull @DefaultValue("2h") Duration inFlightExpiry,
        @Min(1) @DefaultValue("100") int maxBufferedPerTenant,
        @NotNull @DefaultValue("100ms") Duration pollTimeout) {}
