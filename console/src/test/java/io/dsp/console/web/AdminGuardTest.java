package io.dsp.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.console.ConsoleSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.Cookie;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class AdminGuardTest {

    private static AdminGuard guard(String token) {
        return guard(token, Clock.systemUTC());
    }

    private static AdminGuard guard(String token, Clock clock) {
        return new AdminGuard(
                new ConsoleSettings(token, 200, 40, 100, 20_000, Duration.ofHours(1), Duration.ofMillis(500), 50),
                new SimpleMeterRegistry(),
                clock);
    }

    private static MockHttpServletRequest from(String address) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/console/api/board");
        request.setRemoteAddr(address);
        return request;
    }

    @Test
    void withoutATokenCallersOnThisHostAreAnswered() throws Exception {
        assertThat(guard(null).preHandle(from("127.0.0.1"), new MockHttpServletResponse(), null))
                .isTrue();
        assertThat(guard("").preHandle(from("0:0:0:0:0:0:0:1"), new MockHttpServletResponse(), null))
                .isTrue();
    }

    @Test
    void withoutATokenRemoteCallersAreRefusedWithTheSettingToChange() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThat(guard(null).preHandle(from("10.1.2.3"), response, null)).isFalse();

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString()).contains("dsp.console.admin-token is not set");
    }

    @Test
    void withATokenEvenLocalCallersMustPresentIt() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThat(guard("s3cret").preHandle(from("127.0.0.1"), response, null)).isFalse();

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.getContentAsString()).doesNotContain("s3cret");
    }

    @Test
    void theRightBearerTokenOpensTheApiAndAWrongOneDoesNot() throws Exception {
        MockHttpServletRequest right = from("10.1.2.3");
        right.addHeader("Authorization", "Bearer s3cret");
        MockHttpServletRequest wrong = from("10.1.2.3");
        wrong.addHeader("Authorization", "Bearer s3cre");

        assertThat(guard("s3cret").preHandle(right, new MockHttpServletResponse(), null))
                .isTrue();
        assertThat(guard("s3cret").preHandle(wrong, new MockHttpServletResponse(), null))
                .isFalse();
    }

    @Test
    void theSessionCookieOpensTheApiWithoutHoldingTheToken() throws Exception {
        AdminGuard guard = guard("s3cret");
        String session = guard.sessionValue();
        MockHttpServletRequest withCookie = from("10.1.2.3");
        withCookie.setCookies(new Cookie(AdminGuard.COOKIE, session));
        MockHttpServletRequest forged = from("10.1.2.3");
        forged.setCookies(new Cookie(AdminGuard.COOKIE, "s3cret"));

        assertThat(session).doesNotContain("s3cret");
        assertThat(guard.preHandle(withCookie, new MockHttpServletResponse(), null))
                .isTrue();
        assertThat(guard.preHandle(forged, new MockHttpServletResponse(), null)).isFalse();
        assertThat(guard("other").sessionValue()).isNotEqualTo(session);
    }

    @Test
    void aSessionCookieStopsOpeningTheApiOnceItIsOlderThanItsMaximumAge() throws Exception {
        Instant signedIn = Instant.parse("2026-11-29T08:00:00Z");
        String session = guard("s3cret", Clock.fixed(signedIn, ZoneOffset.UTC)).sessionValue();
        MockHttpServletRequest withCookie = from("10.1.2.3");
        withCookie.setCookies(new Cookie(AdminGuard.COOKIE, session));
        AdminGuard later = guard(
                "s3cret", Clock.fixed(signedIn.plus(AdminGuard.SESSION_MAX_AGE).plusSeconds(1), ZoneOffset.UTC));
        AdminGuard sooner = guard("s3cret", Clock.fixed(signedIn.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        MockHttpServletRequest tampered = from("10.1.2.3");
        tampered.setCookies(new Cookie(
                AdminGuard.COOKIE, (signedIn.getEpochSecond() + 3600) + session.substring(session.indexOf('.'))));

        assertThat(sooner.preHandle(withCookie, new MockHttpServletResponse(), null))
                .isTrue();
        assertThat(later.preHandle(withCookie, new MockHttpServletResponse(), null))
                .isFalse();
        assertThat(sooner.preHandle(tampered, new MockHttpServletResponse(), null))
                .isFalse();
    }
}
