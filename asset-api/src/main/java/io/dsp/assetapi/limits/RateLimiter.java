package io.dsp.assetapi.limits;

/** Counts a license's submissions in the current window. */
interface RateLimiter {

    /** Counts one submission; false when it goes over the limit. */
    boolean tryAcquire(String licenseKey);
}
