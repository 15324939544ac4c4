package io.dsp.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Start and end times per request id (nanoTime), and the percentiles of the differences. */
final class Latencies {

    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Long> ended = new ConcurrentHashMap<>();

    void started(String id, long nanos) {
        started.put(id, nanos);
    }

    /** The first arrival counts; a second copy (which must not happen) would be a later one. */
    void ended(String id, long nanos) {
        ended.putIfAbsent(id, nanos);
    }

    int startedCount() {
        return started.size();
    }

    int completeCount() {
        return (int) started.keySet().stream().filter(ended::containsKey).count();
    }

    /** Milliseconds, sorted, of every request that both started and ended. */
    List<Double> millis() {
        List<Double> values = new ArrayList<>();
        started.forEach((id, start) -> {
            Long end = ended.get(id);
            if (end != null) {
                values.add(Math.max(0, end - start) / 1_000_000.0);
            }
        });
        Collections.sort(values);
        return values;
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
