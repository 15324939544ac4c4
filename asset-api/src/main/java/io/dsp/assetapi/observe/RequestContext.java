package io.dsp.assetapi.observe;

import io.dsp.schemas.trace.TraceContext;
import org.slf4j.MDC;

/**
 * What the logs and the records of one HTTP request carry: its W3C trace (continued from the caller's
 * {@code traceparent} or started here) and, once known, the masked license key and the task's request id, as MDC
 * entries ({@code trace_id}, {@code span_id}, {@code license}, {@code request_id}) that the structured console log
 * writes with every line. Thread-bound for the request's own thread; {@link TraceFilter} sets and clears it.
 */
public final class RequestContext {

    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";
    public static final String LICENSE = "license";
    public static final String REQUEST_ID = "request_id";

    private static final ThreadLocal<TraceContext> TRACE = new ThreadLocal<>();

    private RequestContext() {}

    /** The trace of the request on this thread; a new one when there is none (work outside a request). */
    public static TraceContext trace() {
        TraceContext trace = TRACE.get();
        return trace != null ? trace : TraceContext.start();
    }

    /** Tags the logs of the rest of this request with the (already masked) license key. */
    public static void license(String maskedKey) {
        MDC.put(LICENSE, maskedKey);
    }

    /** Tags the logs of the rest of this request with the task it is about. */
    public static void requestId(String requestId) {
        MDC.put(REQUEST_ID, requestId);
    }

    static void begin(TraceContext trace) {
        TRACE.set(trace);
        MDC.put(TRACE_ID, trace.traceId());
        MDC.put(SPAN_ID, trace.spanId());
    }

    static void end() {
        TRACE.remove();
        MDC.remove(TRACE_ID);
        MDC.remove(SPAN_ID);
        MDC.remove(LICENSE);
        MDC.remove(REQUEST_ID);
    }
}
