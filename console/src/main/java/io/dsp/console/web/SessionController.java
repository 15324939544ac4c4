package io.dsp.console.web;

import io.dsp.console.ConsoleSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lets the page sign in: it presents the admin token once as a bearer token and gets the {@link SessionCookie}, which
 * the browser then sends with every API call and with the live-update stream. Not behind the guard; it checks the
 * token itself.
 */
@RestController
class SessionController {

    private final ConsoleSettings settings;
    private final AdminToken adminToken;
    private final SessionCookie session;
    private final Refusals refusals;

    SessionController(ConsoleSettings settings, AdminToken adminToken, SessionCookie session, Refusals refusals) {
        this.settings = settings;
        this.adminToken = adminToken;
        this.session = session;
        this.refusals = refusals;
    }

    /** Whether the page must ask for a token; answers nothing else. */
    @GetMapping(ConsoleSecurity.SESSION_PATH)
    Map<String, Object> describe() {
        return Map.of("tokenRequired", settings.tokenRequired());
    }

    @PostMapping(ConsoleSecurity.SESSION_PATH)
    void signIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!settings.tokenRequired()) {
            response.setStatus(HttpStatus.NO_CONTENT.value());
            return;
        }
        try {
            Authentication presented = adminToken.convert(request);
            if (presented == null) {
                throw new BadCredentialsException("No bearer token");
            }
            session.loginSuccess(request, response, adminToken.authenticate(presented));
            response.setStatus(HttpStatus.NO_CONTENT.value());
        } catch (AuthenticationException e) {
            refusals.write(response, HttpStatus.UNAUTHORIZED, "That is not this console's admin token.");
        }
    }

    @DeleteMapping(ConsoleSecurity.SESSION_PATH)
    void signOut(HttpServletRequest request, HttpServletResponse response) {
        session.logout(request, response, null);
        response.setStatus(HttpStatus.NO_CONTENT.value());
    }
}
