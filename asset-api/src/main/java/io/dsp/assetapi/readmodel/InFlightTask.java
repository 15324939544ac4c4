package io.dsp.assetapi.readmodel;

import java.time.Instant;

/** One unfinished task of the in-flight index: its request id and when the index first heard of it. */
public record InFlightTask(String requestId, Instant acceptedAt) {}
