package io.dsp.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * One measured quantity of one side over the repeats of a run (raw, system, raw, system, ...): the values of the runs
 * that count, their median (what the report compares) and their range (how far one run may be from another on this
 * machine). Runs that do not count (a raw run that did not keep up with its offered rate) are not in it: {@code
 * excluded} says how many there were.
 *
 * @param values the counted runs' values, in run order
 * @param excluded runs left out because they measured something else (a queue, not a latency)
 */
record Spread(List<Double> values, int excluded) {

    Spread {
        values = List.copyOf(values);
    }

    /** Every finite value counts. */
    static Spread of(Collection<Double> values) {
        return of(values, 0);
    }

    static Spread of(Collection<Double> values, int excluded) {
        List<Double> finite = new ArrayList<>();
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                finite.add(v);
            }
        }
        return new Spread(finite, excluded);
    }

    /** A side with no counted run; NaN everywhere. */
    static Spread none(int excluded) {
        return new Spread(List.of(), excluded);
    }

    /**
     * The index of the run whose value is the median of {@code values} (the lower middle one for an even count), to
     * show a typical run rather than a chosen one; -1 when there are none.
     */
    static int medianRun(List<Double> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(values.get(a), values.get(b)));
        return order.get((values.size() - 1) / 2);
    }

    int runs() {
        return values.size();
    }

    /** The median of the counted runs (the mean of the middle two for an even count); NaN when none counted. */
    double median() {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** {@code min–max (n runs)}, with the excluded runs named, or a dash when no run counted. */
    String describe() {
        String excludedText = excluded > 0 ? ", " + excluded + " excluded" : "";
        if (values.isEmpty()) {
            return "–" + (excluded > 0 ? " (" + excluded + " excluded)" : "");
        }
        if (values.size() == 1) {
            return String.format(Locale.ROOT, "%s (1 run%s)", Report.number(values.get(0)), excludedText);
        }
        return String.format(
                Locale.ROOT,
                "%s–%s (%d runs%s)",
                Report.number(min()),
                Report.number(max()),
                values.size(),
                excludedText);
    }
}
