package io.dsp.console.web;

import io.dsp.console.ConsoleSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.authentication.rememberme.TokenBasedRememberMeServices;
import org.springframework.stereotype.Component;

/**
 * The session cookie the page gets by presenting the admin token once: Spring Security's token-based remember-me
 * cookie, which holds the user, an expiry {@link #MAX_AGE} after sign-in and a SHA-256 signature of both keyed by the
 * token. It never holds the token, and changing the token ends every session. The browser sends it with every API
 * call and with the live-update stream (an {@code EventSource} cannot set headers).
 */
@Component
final class SessionCookie extends TokenBasedRememberMeServices {

    static final String NAME = "dsp_console_session";

    /** How long a session cookie opens the console after sign-in; after that the page asks for the token again. */
    static final Duration MAX_AGE = Duration.ofHours(12);

    private final Clock clock;

    @Autowired
    SessionCookie(ConsoleSettings settings, Clock clock) {
        this(key(settings), clock);
    }

    private SessionCookie(String key, Clock clock) {
        super(key, admin(key));
        this.clock = clock;
        setCookieName(NAME);
        setTokenValiditySeconds(Math.toIntExact(MAX_AGE.toSeconds()));
        // Signing in is asking for the cookie; there is no "remember me" box to tick.
        setAlwaysRemember(true);
    }

    /** The token; without one nothing signs in, and a random key makes every cookie presented invalid. */
    private static String key(ConsoleSettings settings) {
        return settings.tokenRequired()
                ? settings.adminToken()
                : UUID.randomUUID().toString();
    }

    /** The console's one user, whose only credential is the token (so it is part of the signature too). */
    private static UserDetailsService admin(String key) {
        return username -> {
            if (!AdminToken.ADMIN.equals(username)) {
                throw new UsernameNotFoundException("The console has no user " + username);
            }
            return User.withUsername(AdminToken.ADMIN).password(key).build();
        };
    }

    /** Expiry against the console's clock, so tests can move it. */
    @Override
    protected boolean isTokenExpired(long tokenExpiryTime) {
        return tokenExpiryTime < clock.millis();
    }

    /**
     * Without Max-Age, so the browser forgets it when it closes; the signed expiry ends it after 12 h either way. Path
     * {@code /console} and SameSite=Strict, which the servlet cookie Spring writes by default lacks.
     */
    @Override
    protected void setCookie(String[] tokens, int maxAge, HttpServletRequest request, HttpServletResponse response) {
        write(encodeCookie(tokens), -1, request, response);
    }

    @Override
    protected void cancelCookie(HttpServletRequest request, HttpServletResponse response) {
        write("", 0, request, response);
    }

    private static void write(
            String value, long maxAgeSeconds, HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(
                HttpHeaders.SET_COOKIE,
                ResponseCookie.from(NAME, value)
                        .path("/console")
                        .httpOnly(true)
                        .secure(request.isSecure())
                        .sameSite("Strict")
                        .maxAge(maxAgeSeconds)
                        .build()
                        .toString());
    }
}
