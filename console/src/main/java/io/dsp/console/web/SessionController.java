package io.dsp.console.web;

import io.dsp.console.ConsoleSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lets the page sign in: it presents the admin token once as a bearer token and gets an HttpOnly session cookie, which
 * the browser then sends with every API call and with the live-update stream (an {@code EventSource} cannot set
 * headers). Not behind the guard; it checks the token itself.
 */
@RestController
class SessionController {

    private final ConsoleSettings settings;
    private final AdminGuard guard;

    SessionController(ConsoleSettings settings, AdminGuard guard) {
        this.settings = settings;
        this.guard = guard;
    }

    /** Whether the page must ask for a token; answers nothing else. */
    @GetMapping("/console/api/session")
    Map<String, Object> describe() {
        return Map.of("tokenRequired", settings.tokenRequired());
    }

    @PostMapping("/console/api/session")
    void signIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!settings.tokenRequired()) {
            response.setStatus(HttpStatus.NO_CONTENT.value());
            return;
        }
        if (!guard.presentsToken(request)) {
            AdminGuard.refuse(response, HttpStatus.UNAUTHORIZED, "That is not this console's admin token.");
            return;
        }
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(guard.sessionValue(), request.isSecure(), -1));
        response.setStatus(HttpStatus.NO_CONTENT.value());
    }

    @DeleteMapping("/console/api/session")
    void signOut(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie("", request.isSecure(), 0));
        response.setStatus(HttpStatus.NO_CONTENT.value());
    }

    private static String cookie(String value, boolean secure, long maxAgeSeconds) {
        return ResponseCookie.from(AdminGuard.COOKIE, value)
                .path("/console")
                .httpOnly(true)
                .secure(secure)
                .sameSite("Strict")
                .maxAge(maxAgeSeconds)
                .build()
                .toString();
    }
}
