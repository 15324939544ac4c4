package io.dsp.console.metrics;

import io.dsp.console.board.Board;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@link MetricNames#WORKERS_ONLINE} per kind, for the whole system: the console reads every worker's presence
 * (native and legacy alike), computed at each scrape. Each worker publishes its own {@link MetricNames#WORKER_IN_FLIGHT}
 * and the dispatcher the backlog meters; publishing those here too would count them twice in every sum.
 */
@Component
class FleetMetrics {

    /** Kinds always reported, at zero when none is online, so that an alert on "no native worker" can fire. */
    private static final List<String> KINDS = List.of("native", "legacy");

    private final Clock clock;

    FleetMetrics(Board board, Clock clock, MeterRegistry meters) {
        this.clock = clock;
        for (String kind : KINDS) {
            Gauge.builder(MetricNames.WORKERS_ONLINE, board, b -> online(b, kind))
                    .description("Live fleet members")
                    .tag("kind", kind)
                    .register(meters);
        }
    }

    private double online(Board board, String kind) {
        return board.workers(clock.instant()).stream()
                .filter(w -> w.live() && w.kind().equals(kind))
                .count();
    }
}
