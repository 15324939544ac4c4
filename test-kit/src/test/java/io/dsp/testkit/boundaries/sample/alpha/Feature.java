package io.dsp.testkit.boundaries.sample.alpha;

import io.dsp.testkit.boundaries.sample.alpha.internal.Helper;

/** Feature alpha, using its own helper. */
public final class Feature {
    public int run(int n) {
        return Helper.twice(n);
    }
}
