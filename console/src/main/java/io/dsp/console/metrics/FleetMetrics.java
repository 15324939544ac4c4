package io.dsp.console.metrics;

import io.dsp.console.board.Board;
import io.dsp.console.board.WorkerRow;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The fleet's meters, for the whole system: the console reads every worker's presence (native and legacy alike), so
 * it publishes {@link MetricNames#WORKERS_ONLINE} per kind and {@link MetricNames#WORKER_IN_FLIGHT} per live worker.
 * Backlog meters are the dispatcher's, which owns the queue facts; publishing them here too would count them twice.
 */
@Component
class FleetMetrics implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FleetMetrics.class);

    /** Kinds always reported, at zero when none is online, so that alerts on "no native worker" can fire. */
    private static final List<String> KINDS = List.of("native", "legacy");

    /** How often the per-worker rows are refreshed; the counts per kind are computed at each scrape. */
    private static final long REFRESH_SECONDS = 2;

    private final Board board;
    private final Clock clock;
    private final MultiGauge inFlight;
    private ScheduledExecutorService scheduler;

    FleetMetrics(Board board, Clock clock, MeterRegistry meters) {
        this.board = board;
        this.clock = clock;
        for (String kind : KINDS) {
            Gauge.builder(MetricNames.WORKERS_ONLINE, board, b -> online(b, kind))
                    .description("Live fleet members")
                    .tag("kind", kind)
                    .register(meters);
        }
        this.inFlight = MultiGauge.builder(MetricNames.WORKER_IN_FLIGHT)
                .description("Tasks a live worker is running now, from its presence")
                .register(meters);
    }

    private double online(Board b, String kind) {
        return b.workers(clock.instant()).stream()
                .filter(w -> w.live() && w.kind().equals(kind))
                .count();
    }

    void refresh() {
        try {
            inFlight.register(rows(), true);
        } catch (RuntimeException e) {
            // A failed refresh must not end the schedule; the next one tries again.
            log.warn("fleet metrics refresh failed", e);
        }
    }

    private List<MultiGauge.Row<?>> rows() {
        return board.workers(clock.instant()).stream()
                .filter(WorkerRow::live)
                .<MultiGauge.Row<?>>map(
                        w -> MultiGauge.Row.of(Tags.of(MetricNames.TAG_WORKER, w.workerId()), w.inFlight()))
                .toList();
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-fleet-metrics");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::refresh, 0, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        scheduler.shutdownNow();
        scheduler = null;
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
