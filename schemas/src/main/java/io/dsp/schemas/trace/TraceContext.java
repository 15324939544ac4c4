package io.dsp.schemas.trace;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * W3C trace context ({@code traceparent}, version 00) carried end to end: an edge takes the caller's
 * {@code traceparent} (HTTP header or frame field) or starts a trace, writes it as a Kafka header on the task record,
 * and every hop that produces a record about the task (dispatcher, workers, gateway) writes a child of it, so one
 * trace id joins the logs of every service ({@code trace_id} in the structured logs).
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId 16 lower-case hex digits, not all zero: the span of the hop that wrote it
 * @param sampled the W3C sampled flag
 */
public record TraceContext(String traceId, String spanId, boolean sampled) {

    /** The Kafka header and HTTP header name. */
    public static final String HEADER = "traceparent";

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final HexFormat HEX = HexFormat.of();

    public TraceContext {
        if (!isHex(traceId, 32) || !isHex(spanId, 16)) {
            throw new IllegalArgumentException("Not a W3C trace id / span id: " + traceId + " / " + spanId);
        }
    }

    /** A new trace (a request that came without one). */
    public static TraceContext start() {
        return new TraceContext(randomHex(16), randomHex(8), true);
    }

    /** The caller's trace, or a new one when the value is absent or not a valid version-00 traceparent. */
    public static TraceContext continueOrStart(String traceparent) {
        return parse(traceparent).map(TraceContext::child).orElseGet(TraceContext::start);
    }

    /** The trace carried by these record headers (last one wins), or a new one. */
    public static TraceContext continueOrStart(Headers headers) {
        return fromHeaders(headers).map(TraceContext::child).orElseGet(TraceContext::start);
    }

    /** The trace carried by these record headers, if any valid one is there. */
    public static Optional<TraceContext> fromHeaders(Headers headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Header header = headers.lastHeader(HEADER);
        return header == null || header.value() == null
                ? Optional.empty()
                : parse(new String(header.value(), StandardCharsets.US_ASCII));
    }

    /** A valid version-00 traceparent, parsed. */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        var matcher = TRACEPARENT.matcher(traceparent.trim());
        if (!matcher.matches() || isZero(matcher.group(1)) || isZero(matcher.group(2))) {
            return Optional.empty();
        }
        boolean sampled = (Integer.parseInt(matcher.group(3), 16) & 1) == 1;
        return Optional.of(new TraceContext(matcher.group(1), matcher.group(2), sampled));
    }

    /** The same trace with a new span: what a hop writes on the records it produces. */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8), sampled);
    }

    /** The {@code traceparent} value. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
    }

    /** Writes this context as the record's {@code traceparent} header (replacing any earlier one). */
    public Headers writeTo(Headers headers) {
        headers.remove(HEADER);
        headers.add(HEADER, traceparent().getBytes(StandardCharsets.US_ASCII));
        return headers;
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(random);
        } while (isZero(HEX.formatHex(random)));
        return HEX.formatHex(random);
    }

    private static boolean isHex(String value, int length) {
        return value != null
                && value.length() == length
                && value.chars().allMatch(c -> Character.digit(c, 16) >= 0 && !Character.isUpperCase(c))
                && !isZero(value);
    }

    private static boolean isZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }
}
