package io.dsp.testkit.boundaries.sample.beta;

import io.dsp.testkit.boundaries.sample.alpha.internal.Helper;

/** Feature beta, reaching into alpha's helper. */
public final class Intruder {
    public int run(int n) {
        return Helper.twice(n);
    }
}
