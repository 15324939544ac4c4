package io.dsp.assetapi.observe;

import io.dsp.schemas.trace.TraceContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Continues the caller's W3C trace ({@code traceparent}; a malformed one starts a new trace) or starts one, for the
 * logs and Kafka records of this request, and answers with this hop's {@code traceparent} so a client can quote it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class TraceFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        TraceContext trace = TraceContext.continueOrStart(request.getHeader(TraceContext.HEADER));
        RequestContext.begin(trace);
        response.setHeader(TraceContext.HEADER, trace.traceparent());
        try {
            chain.doFilter(request, response);
        } finally {
            RequestContext.end();
        }
    }
}
