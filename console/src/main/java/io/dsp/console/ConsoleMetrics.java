package io.dsp.console;

/**
 * Names of the console's own meters. The fleet meters it publishes for the whole system ({@code dsp.workers.online},
 * {@code dsp.worker.in_flight}) and those of its board's topic view ({@code dsp.view.*}, {@code view=console-board}) are
 * in {@link io.dsp.schemas.metric.MetricNames}.
 */
public final class ConsoleMetrics {

    /** Gauge: open live-update (Server-Sent Events) connections. */
    public static final String LIVE_CLIENTS = "dsp.console.live.clients";

    /** Counter: requests refused by the admin guard. Tags: {@code reason} (token, remote). */
    public static final String REFUSED = "dsp.console.refused";

    private ConsoleMetrics() {}
}
