package io.dsp.assetapi.limits;

/** Counts a license's submissions in the current window. */
interface RateLimiter {

    /** Counts one submission; false when it goes over the limit. */
    boolean tryAcquire(String licenseKey);

    /**
     * Counts one submission of a kind that has its own limit ({@code scope}, e.g. {@code high}) in the same windows;
     * false when it goes over {@code limit}.
     */
    boolean tryAcquire(String scope, String licenseKey, int limit);
}
