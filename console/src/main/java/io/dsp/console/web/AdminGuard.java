package io.dsp.console.web;

import io.dsp.console.ConsoleMetrics;
import io.dsp.console.ConsoleSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Guards the console's API ({@code /console/api/**}). With {@code dsp.console.admin-token} set, a request needs
 * {@code Authorization: Bearer <token>} or the session cookie the page gets by presenting the token once; without a
 * token, only callers on this host are answered (the embedded stack), so an unset secret never opens the console to
 * the network.
 */
@Component
class AdminGuard implements HandlerInterceptor {

    static final String COOKIE = "dsp_console_session";

    /** How long a session cookie opens the console after sign-in; after that the page asks for the token again. */
    static final Duration SESSION_MAX_AGE = Duration.ofHours(12);

    private static final Logger log = LoggerFactory.getLogger(AdminGuard.class);

    private final ConsoleSettings settings;
    private final Clock clock;
    private final Counter refusedToken;
    private final Counter refusedRemote;

    AdminGuard(ConsoleSettings settings, MeterRegistry meters, Clock clock) {
        this.settings = settings;
        this.clock = clock;
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
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (settings.tokenRequired()) {
            if (presentsToken(request) || presentsSession(request)) {
                return true;
            }
            refusedToken.increment();
            log.debug("refused a console request without a valid token from {}", request.getRemoteAddr());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dsp-console\"");
            refuse(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "This console needs its admin token: send Authorization: Bearer <dsp.console.admin-token>, "
                            + "or enter the token on the page.");
            return false;
        }
        if (isLoopback(request.getRemoteAddr())) {
            return true;
        }
        refusedRemote.increment();
        log.debug("refused a console request from {}: no admin token is set", request.getRemoteAddr());
        refuse(
                response,
                HttpStatus.FORBIDDEN,
                "dsp.console.admin-token is not set, so the console answers only on its own host; "
                        + "set the token to open it to the network.");
        return false;
    }

    /** Whether the request carries the admin token as a bearer token. */
    boolean presentsToken(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null
                && authorization.startsWith("Bearer ")
                && same(settings.adminToken(), authorization.substring(7).strip());
    }

    private boolean presentsSession(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return false;
        }
        for (Cookie cookie : cookies) {
            if (COOKIE.equals(cookie.getName()) && validSession(cookie.getValue())) {
                return true;
            }
        }
        return false;
    }

    private boolean validSession(String value) {
        int dot = value == null ? -1 : value.indexOf('.');
        if (dot < 1) {
            return false;
        }
        long issued;
        try {
            issued = Long.parseLong(value.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        if (issued > now + 60 || now - issued > SESSION_MAX_AGE.toSeconds()) {
            return false;
        }
        return same(signature(issued), value.substring(dot + 1));
    }

    /**
     * A new session cookie's value: its issue time and an HMAC of it under the token, so the cookie never holds the
     * token itself, expires after {@link #SESSION_MAX_AGE}, and changing the token ends every session.
     */
    String sessionValue() {
        long issued = clock.instant().getEpochSecond();
        return issued + "." + signature(issued);
    }

    private String signature(long issued) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(settings.adminToken().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("dsp-console-session:" + issued).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            // A literal address: no name lookup happens.
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean same(String expected, String presented) {
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    static void refuse(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"status\":" + status.value() + ",\"title\":\"" + status.getReasonPhrase() + "\",\"detail\":\""
                        + detail.replace("\"", "'") + "\"}");
    }
}
