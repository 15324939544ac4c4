package io.dsp.testkit.boundaries.sample.alpha.internal;

/** A helper of feature alpha. */
public final class Helper {
    public static int twice(int n) {
        return 2 * n;
    }
}
