package io.dsp.core.slot;

import org.slf4j.MDC;

/**
 * The log fields of a slot's task (request id, masked license, worker id, trace id) for as long as the slot handles
 * it: {@code try (SlotLogContext ignored = SlotLogContext.open(...)) {...}}.
 */
public final class SlotLogContext implements AutoCloseable {

    private static final String[] KEYS = {"request_id", "license", "worker_id", "trace_id"};

    private SlotLogContext() {}

    public static SlotLogContext open(Acquired acquired, String maskedLicense, String workerId) {
        MDC.put("request_id", acquired.requestId());
        MDC.put("license", maskedLicense);
        MDC.put("worker_id", workerId);
        MDC.put("trace_id", acquired.trace().traceId());
        return new SlotLogContext();
    }

    @Override
    public void close() {
        for (String key : KEYS) {
            MDC.remove(key);
        }
    }
}
