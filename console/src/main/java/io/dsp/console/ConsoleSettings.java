package io.dsp.console;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the operators' console.
 *
 * @param adminToken bearer token that opens the dashboard and its API ({@code Authorization: Bearer <token>}, or the
 *     session cookie the page sets after asking for it). No default: while it is unset the console answers only
 *     callers on this host (loopback), like the legacy gateway's empty {@code api_secret}, so {@code ./dsp up} needs no
 *     token and nothing is open to the network by accident. Set it whenever the console is reachable from elsewhere
 *     (compose, a proxy).
 * @param recentTasks tasks whose whole life the console keeps (the newest by first event); default 200, at most 5,000
 * @param stepsPerTask events kept per task; consecutive progress events collapse into one step, and past this the
 *     oldest steps after the first are dropped; default 40
 * @param deadLetters dead letters kept (the newest); default 100, at most 5,000
 * @param lookbackRecords records per partition of {@code dsp.task-events} and {@code dsp.dead-letters} read back at
 *     start-up to rebuild the recent tasks and dead letters (presence and queue facts are compacted and always read
 *     whole); bounds start-up time whatever the retention; default 20,000
 * @param goneWorkersShownFor a worker that stopped beating without leaving (a crash leaves no tombstone) stays on
 *     the board, marked offline, this long after its last beat; default 1 h
 * @param pushInterval live updates are pushed at most this often, and only when something changed (or every ten
 *     intervals, so ages and liveness move on); default 500 ms, at least 100 ms
 * @param maxLiveClients open live-update connections at once; more are refused with 503; default 50
 */
@Validated
@ConfigurationProperties("dsp.console")
public record ConsoleSettings(
        String adminToken,
        @Min(1) @Max(5000) @DefaultValue("200") int recentTasks,
        @Min(2) @Max(1000) @DefaultValue("40") int stepsPerTask,
        @Min(1) @Max(5000) @DefaultValue("100") int deadLetters,
        @Min(1) @DefaultValue("20000") long lookbackRecords,
        @NotNull @DefaultValue("1h") Duration goneWorkersShownFor,
        @NotNull @DefaultValue("500ms") Duration pushInterval,
        @Min(1) @Max(10000) @DefaultValue("50") int maxLiveClients) {

    public ConsoleSettings {
        if (pushInterval != null && pushInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException(
                    "dsp.console.push-interval must be at least 100ms (it was " + pushInterval.toMillis() + "ms)");
        }
        if (goneWorkersShownFor != null && goneWorkersShownFor.isNegative()) {
            throw new IllegalArgumentException("dsp.console.gone-workers-shown-for must not be negative");
        }
    }

    /** Whether a token guards the console; without one only loopback callers are answered. */
    public boolean tokenRequired() {
        return adminToken != null && !adminToken.isBlank();
    }
}
