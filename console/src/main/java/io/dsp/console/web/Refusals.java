package io.dsp.console.web;

import io.dsp.console.ConsoleMetrics;
import io.dsp.console.ConsoleSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the guarded API turns a caller away, as problem JSON, counted in {@link ConsoleMetrics#REFUSED} by reason. It is
 * the entry point for every refusal, since a refused caller is anonymous either way: with a token set, 401 and a
 * Bearer challenge; without one, 403 naming the setting to change (the caller is not on this host).
 */
@Component
class Refusals implements AuthenticationEntryPoint {

    private static final Logger log = LoggerFactory.getLogger(Refusals.class);

    private final ConsoleSettings settings;
    private final JsonMapper json;
    private final Counter refusedToken;
    private final Counter refusedRemote;

    Refusals(ConsoleSettings settings, JsonMapper json, MeterRegistry meters) {
        this.settings = settings;
        this.json = json;
        this.refusedToken = Counter.builder(ConsoleMetrics.REFUSED)
                .description("Console requests refused by the admin guard")
                .tag("reason", "token")
                .register(meters);
        this.refusedRemote = Counter.builder(ConsoleMetrics.REFUSED)
                .description("Console requests refused by the admin guard")
                .tag("reason", "remote")
                .register(meters);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException refused)
            throws IOException {
        if (settings.tokenRequired()) {
            refusedToken.increment();
            log.debug("refused a console request without a valid token from {}", request.getRemoteAddr());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dsp-console\"");
            write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "This console needs its admin token: send Authorization: Bearer <dsp.console.admin-token>, "
                            + "or enter the token on the page.");
            return;
        }
        refusedRemote.increment();
        log.debug("refused a console request from {}: no admin token is set", request.getRemoteAddr());
        write(
                response,
                HttpStatus.FORBIDDEN,
                "dsp.console.admin-token is not set, so the console answers only on its own host; "
                        + "set the token to open it to the network.");
    }

    /** Answers with a problem: {@code {"status", "title", "detail"}}. */
    void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write(json.writeValueAsString(new Problem(status.value(), status.getReasonPhrase(), detail)));
    }

    private record Problem(int status, String title, String detail) {}
}
