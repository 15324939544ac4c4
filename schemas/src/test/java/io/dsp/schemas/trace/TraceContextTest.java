package io.dsp.schemas.trace;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceContextTest {

    @Test
    void aCallersTraceIsContinuedWithANewSpan() {
        String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        TraceContext context = TraceContext.continueOrStart(incoming);

        assertThat(context.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(context.spanId()).isNotEqualTo("00f067aa0ba902b7");
        assertThat(context.sampled()).isTrue();
    }

    @Test
    void aContextSurvivesTheTripThroughRecordHeaders() {
        TraceContext context = TraceContext.start();
        var headers = context.writeTo(new RecordHeaders());
        context.child().writeTo(headers);

        assertThat(headers.headers(TraceContext.HEADER)).hasSize(1);
        assertThat(TraceContext.fromHeaders(headers))
                .get()
                .extracting(TraceContext::traceId)
                .isEqualTo(context.traceId());
    }

    @Test
    void invalidOrAllZeroParentsStartANewTrace() {
        assertThat(TraceContext.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceContext.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceContext.parse(null)).isEmpty();
        assertThat(TraceContext.continueOrStart(new RecordHeaders()).traceparent())
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Property(tries = 2000)
    void anyStringEitherParsesToItselfOrIsRefused(@ForAll String value) {
        TraceContext.parse(value)
                .ifPresent(context -> assertThat(context.traceparent()).isEqualTo(value.trim()));
    }
}
