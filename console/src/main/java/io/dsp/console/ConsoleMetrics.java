package io.dsp.console;

/**
 * Names of the console's own meters. The fleet meters it publishes for the whole system ({@code dsp.workers.online},
 * {@code dsp.worker.in_flight}) are in {@link io.dsp.schemas.metric.MetricNames}.
 */
public final class ConsoleMetrics {

    /** Counter: records read from the board's topics and applied. */
    public static final String FEED_RECORDS = "dsp.console.feed.records";

    /** Counter: records that could not be decoded and were skipped. */
    public static final String FEED_UNDECODABLE = "dsp.console.feed.undecodable";

    /** Gauge: open live-update (Server-Sent Events) connections. */
    public static final String LIVE_CLIENTS = "dsp.console.live.clients";

    /** Counter: requests refused by the admin guard. Tags: {@code reason} (token, remote). */
    public static final String REFUSED = "dsp.console.refused";

    private ConsoleMetrics() {}
}
