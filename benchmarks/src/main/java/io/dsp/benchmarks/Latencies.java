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
    /** When each request was sent, where that is earlier than its start (a raw send, started when acknowledged). */
    private final Map<String, Long> sent = new ConcurrentHashMap<>();

    void sent(String id, long nanos) {
        sent.put(id, nanos);
    }

    /**
     * The same requests measured from when they were sent, not from when they started: the raw counterpart of a path
     * timed from the client's send (a WebSocket submit), where this one is timed from the acknowledgement.
     */
    Latencies sinceSent() {
        Latencies fromSend = new Latencies();
        started.keySet().forEach(id -> {
            Long at = sent.get(id);
            if (at != null) {
                fromSend.started(id, at);
                Long end = ended.get(id);
                if (end != null) {
                    fromSend.ended(id, end);
                }
            }
        });
        return fromSend;
    }

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

    /** Requests that started and ended by {@code deadline} (nanoTime). */
    int endedBy(long deadline) {
        return (int) started.keySet().stream()
                .filter(id -> {
                    Long end = ended.get(id);
                    return end != null && end <= deadline;
                })
                .count();
    }

    /**
     * How much later the last quarter of requests (by start) arrived than the first quarter, in milliseconds (median
     * against median): near zero for a side that keeps up, growing with the run for one that builds a queue.
     */
    double lagGrowthMillis() {
        List<long[]> done = new ArrayList<>();
        started.forEach((id, start) -> {
            Long end = ended.get(id);
            if (end != null) {
                done.add(new long[] {start, end - start});
            }
        });
        if (done.size() < 8) {
            return 0;
        }
        done.sort((a, b) -> Long.compare(a[0], b[0]));
        int quarter = done.size() / 4;
        return (median(done.subList(done.size() - quarter, done.size())) - median(done.subList(0, quarter)))
                / 1_000_000.0;
    }

    private static double median(List<long[]> part) {
        long[] values = part.stream().mapToLong(v -> v[1]).sorted().toArray();
        return values[values.length / 2];
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
