package io.dsp.benchmarks;

import java.util.List;

/**
 * How busy a fleet's slots were over time: the tasks' busy intervals summed per time bucket, as a share of the slot
 * time the bucket had ({@code slots × bucket}). A task busy for half of a bucket adds half a slot to it, so short tasks
 * count for what they took, not for a whole bucket.
 */
final class Utilisation {

    /** One task's busy time on one slot, in microseconds of one clock (epoch microseconds here). */
    record Interval(long startMicros, long endMicros) {

        Interval {
            if (endMicros < startMicros) {
                throw new IllegalArgumentException(
                        "an interval ends before it starts: " + startMicros + " > " + endMicros);
            }
        }
    }

    private Utilisation() {}

    /** Now, in epoch microseconds (the clock the system's task events are written with, finer). */
    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * Busy share (0..1, above 1 only if more tasks overlapped than there were slots) per bucket of {@code
     * bucketMicros}, from the earliest start to the latest end; empty when there is no interval.
     */
    static double[] buckets(List<Interval> intervals, long bucketMicros, int slots) {
        if (bucketMicros <= 0 || slots <= 0) {
            throw new IllegalArgumentException("bucket and slots must be positive");
        }
        if (intervals.isEmpty()) {
            return new double[0];
        }
        long from = intervals.stream().mapToLong(Interval::startMicros).min().orElseThrow();
        long to = intervals.stream().mapToLong(Interval::endMicros).max().orElseThrow();
        int count = (int) Math.max(1, (to - from + bucketMicros - 1) / bucketMicros);
        double[] busy = new double[count];
        for (Interval i : intervals) {
            long start = i.startMicros() - from;
            long end = i.endMicros() - from;
            for (int b = (int) (start / bucketMicros); b < count && (long) b * bucketMicros < end; b++) {
                long bucketStart = (long) b * bucketMicros;
                long overlap = Math.min(end, bucketStart + bucketMicros) - Math.max(start, bucketStart);
                if (overlap > 0) {
                    busy[b] += overlap;
                }
            }
        }
        double capacity = (double) bucketMicros * slots;
        for (int b = 0; b < count; b++) {
            busy[b] /= capacity;
        }
        return busy;
    }

    /**
     * The stretch of a saturated run in which every slot could have been busy and work was still waiting: from the
     * {@code slots}-th start (every slot had had the chance of a first task) to the last start (until then at least
     * that last task waited for a slot). Empty when no task started after the first {@code slots}: no such stretch.
     */
    static java.util.Optional<Window> backlogWindow(List<Interval> busy, int slots) {
        long[] starts = busy.stream().mapToLong(Interval::startMicros).sorted().toArray();
        if (slots <= 0 || starts.length <= slots || starts[starts.length - 1] <= starts[slots - 1]) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Window(starts[slots - 1], starts[starts.length - 1]));
    }

    /** A stretch of one clock, in microseconds. */
    record Window(long fromMicros, long toMicros) {

        Window {
            if (toMicros <= fromMicros) {
                throw new IllegalArgumentException("an empty window: " + fromMicros + " >= " + toMicros);
            }
        }

        /** Busy time of {@code busy} inside this window, as a share (0..1) of {@code slots} slots' time in it. */
        double busyShare(List<Interval> busy, int slots) {
            long sum = 0;
            for (Interval i : busy) {
                sum += Math.max(0, Math.min(i.endMicros(), toMicros) - Math.max(i.startMicros(), fromMicros));
            }
            return (double) sum / ((double) slots * (toMicros - fromMicros));
        }
    }

    /** The mean of the buckets: the run's average utilisation. */
    static double mean(double[] buckets) {
        double sum = 0;
        for (double b : buckets) {
            sum += b;
        }
        return buckets.length == 0 ? Double.NaN : sum / buckets.length;
    }
}
