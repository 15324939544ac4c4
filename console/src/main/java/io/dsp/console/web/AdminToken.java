package io.dsp.console.web;

import io.dsp.console.ConsoleSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.stereotype.Component;

/**
 * The admin token as a bearer token: {@code Authorization: Bearer <token>} becomes an authentication request for the
 * console's one user, {@value #ADMIN}, accepted when it is {@code dsp.console.admin-token} (compared in constant time).
 * Being the console's AuthenticationManager, it also keeps Boot from generating a default user and password.
 */
@Component
final class AdminToken implements AuthenticationConverter, AuthenticationManager {

    static final String ADMIN = "admin";

    private static final String BEARER = "Bearer ";

    private final ConsoleSettings settings;

    AdminToken(ConsoleSettings settings) {
        this.settings = settings;
    }

    /** The bearer token the request presents, or null when it presents none. */
    @Override
    public Authentication convert(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return null;
        }
        return UsernamePasswordAuthenticationToken.unauthenticated(
                ADMIN, authorization.substring(BEARER.length()).strip());
    }

    @Override
    public Authentication authenticate(Authentication presented) {
        if (settings.tokenRequired()
                && presented.getCredentials() instanceof String token
                && MessageDigest.isEqual(bytes(settings.adminToken()), bytes(token))) {
            return UsernamePasswordAuthenticationToken.authenticated(ADMIN, null, List.of());
        }
        throw new BadCredentialsException("That is not this console's admin token.");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
