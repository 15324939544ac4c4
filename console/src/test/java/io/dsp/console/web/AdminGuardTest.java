package io.dsp.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.console.ConsoleMetrics;
import io.dsp.console.ConsoleSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.http.Cookie;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.mock.web.MockCookie;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MockMvcTester.MockMvcRequestBuilder;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.GenericWebApplicationContext;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's Spring Security set-up over a stand-in API, through the real filter chain: who is answered with and
 * without an admin token, the bearer token, the session cookie and its life, and the refusals.
 */
class AdminGuardTest {

    private static final String REMOTE = "10.1.2.3";

    private final List<GenericWebApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void close() {
        contexts.forEach(GenericWebApplicationContext::close);
    }

    @Test
    void withoutATokenCallersOnThisHostAreAnswered() {
        assertThat(console(null).board(from("127.0.0.1")).getStatus()).isEqualTo(200);
        assertThat(console("").board(from("0:0:0:0:0:0:0:1")).getStatus()).isEqualTo(200);
    }

    @Test
    void withoutATokenRemoteCallersAreRefusedWithTheSettingToChange() throws Exception {
        Console console = console(null);

        MockHttpServletResponse response = console.board(from(REMOTE));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString())
                .isEqualTo("{\"status\":403,\"title\":\"Forbidden\",\"detail\":\"dsp.console.admin-token is not set, "
                        + "so the console answers only on its own host; set the token to open it to the network.\"}");
        assertThat(console.refused("remote")).isEqualTo(1);
        assertThat(console.refused("token")).isZero();
    }

    @Test
    void withATokenEvenLocalCallersMustPresentIt() throws Exception {
        Console console = console("s3cret");

        MockHttpServletResponse response = console.board(from("127.0.0.1"));

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"dsp-console\"");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString())
                .startsWith(
                        "{\"status\":401,\"title\":\"Unauthorized\",\"detail\":\"This console needs its admin token")
                .doesNotContain("s3cret");
        assertThat(console.refused("token")).isEqualTo(1);
    }

    @Test
    void theRightBearerTokenOpensTheApiAndAWrongOneDoesNot() {
        Console console = console("s3cret");

        assertThat(console.board(from(REMOTE).andThen(bearer("s3cret"))).getStatus())
                .isEqualTo(200);
        MockHttpServletResponse wrong = console.board(from(REMOTE).andThen(bearer("s3cre")));
        assertThat(wrong.getStatus()).isEqualTo(401);
        assertThat(wrong.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(console.board(from(REMOTE).andThen(r -> r.header("Authorization", "Basic czNjcmV0")))
                        .getStatus())
                .isEqualTo(401);
        assertThat(console.refused("token")).isEqualTo(2);
    }

    @Test
    void signingInSetsAStrictHttpOnlySessionCookieThatOpensTheApiWithoutHoldingTheToken() {
        Console console = console("s3cret");

        MockHttpServletResponse signedIn = console.signIn(from(REMOTE).andThen(bearer("s3cret")));

        assertThat(signedIn.getStatus()).isEqualTo(204);
        MockCookie cookie = (MockCookie) signedIn.getCookie(SessionCookie.NAME);
        assertThat(cookie).isNotNull();
        assertThat(cookie.getValue()).isNotBlank().doesNotContain("s3cret");
        assertThat(new String(Base64.getDecoder().decode(cookie.getValue()), StandardCharsets.UTF_8))
                .doesNotContain("s3cret");
        assertThat(cookie.getPath()).isEqualTo("/console");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getSecure()).isFalse();
        assertThat(console.board(from(REMOTE).andThen(withCookie(cookie.getValue())))
                        .getStatus())
                .isEqualTo(200);
        assertThat(console.refused("token")).isZero();
    }

    @Test
    void theSessionCookieIsSecureWhenTheRequestIs() {
        MockHttpServletResponse signedIn =
                console("s3cret").signIn(from(REMOTE).andThen(bearer("s3cret")).andThen(r -> r.secure(true)));

        assertThat(signedIn.getCookie(SessionCookie.NAME).getSecure()).isTrue();
    }

    @Test
    void aWrongTokenOrNoneDoesNotSignIn() throws Exception {
        Console console = console("s3cret");

        for (MockHttpServletResponse refused :
                List.of(console.signIn(from(REMOTE).andThen(bearer("s3cre"))), console.signIn(from(REMOTE)))) {
            assertThat(refused.getStatus()).isEqualTo(401);
            assertThat(refused.getContentAsString()).contains("That is not this console's admin token.");
            assertThat(refused.getCookie(SessionCookie.NAME)).isNull();
        }
    }

    @Test
    void aForgedCookieOrOneSignedUnderAnotherTokenDoesNotOpenTheApi() {
        String session = console("s3cret")
                .signIn(bearer("s3cret"))
                .getCookie(SessionCookie.NAME)
                .getValue();
        Console console = console("s3cret");
        Console changedToken = console("other");

        assertThat(console.board(from(REMOTE).andThen(withCookie("s3cret"))).getStatus())
                .isEqualTo(401);
        assertThat(changedToken.board(from(REMOTE).andThen(withCookie(session))).getStatus())
                .isEqualTo(401);
        assertThat(console.board(from(REMOTE).andThen(withCookie(session))).getStatus())
                .isEqualTo(200);
    }

    @Test
    void aSessionCookieStopsOpeningTheApiOnceItIsOlderThanItsMaximumAge() {
        String session = console("s3cret")
                .signIn(bearer("s3cret"))
                .getCookie(SessionCookie.NAME)
                .getValue();
        Console sooner = console("s3cret", Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
        Console later =
                console("s3cret", Clock.offset(Clock.systemUTC(), SessionCookie.MAX_AGE.plus(Duration.ofMinutes(1))));
        String[] parts = new String(Base64.getDecoder().decode(session), StandardCharsets.UTF_8).split(":");
        parts[1] = String.valueOf(Long.parseLong(parts[1]) + Duration.ofHours(1).toMillis());
        String tampered =
                Base64.getEncoder().encodeToString(String.join(":", parts).getBytes(StandardCharsets.UTF_8));

        assertThat(sooner.board(from(REMOTE).andThen(withCookie(session))).getStatus())
                .isEqualTo(200);
        MockHttpServletResponse expired = later.board(from(REMOTE).andThen(withCookie(session)));
        assertThat(expired.getStatus()).isEqualTo(401);
        assertThat(expired.getCookie(SessionCookie.NAME).getMaxAge())
                .as("the browser is told to drop it")
                .isZero();
        assertThat(sooner.board(from(REMOTE).andThen(withCookie(tampered))).getStatus())
                .isEqualTo(401);
    }

    @Test
    void aCookieOfTheFormerHandWrittenGuardNoLongerSignsIn() {
        assertThat(console("s3cret")
                        .board(from(REMOTE)
                                .andThen(withCookie("1764403200.q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c")))
                        .getStatus())
                .isEqualTo(401);
    }

    @Test
    void signingOutTellsTheBrowserToDropTheCookie() {
        Console console = console("s3cret");

        MockHttpServletResponse signedOut =
                console.request(console.mvc.delete().uri(ConsoleSecurity.SESSION_PATH), from(REMOTE));

        assertThat(signedOut.getStatus()).isEqualTo(204);
        Cookie cleared = signedOut.getCookie(SessionCookie.NAME);
        assertThat(cleared.getMaxAge()).isZero();
        assertThat(cleared.getPath()).isEqualTo("/console");
    }

    @Test
    void thePageAndTheSessionDescriptionAreOpen() throws Exception {
        Console console = console("s3cret");

        MockHttpServletResponse page = console.get("/console/", from(REMOTE));
        MockHttpServletResponse described = console.get(ConsoleSecurity.SESSION_PATH, from(REMOTE));

        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(described.getStatus()).isEqualTo(200);
        assertThat(described.getContentAsString()).isEqualTo("{\"tokenRequired\":true}");
        assertThat(console("").get(ConsoleSecurity.SESSION_PATH, from(REMOTE)).getContentAsString())
                .isEqualTo("{\"tokenRequired\":false}");
        assertThat(console.refused("token")).isZero();
    }

    @Test
    void nothingIsKeptInAnHttpSession() {
        Console console = console("s3cret");
        String session =
                console.signIn(bearer("s3cret")).getCookie(SessionCookie.NAME).getValue();

        for (Chain request : List.of(bearer("s3cret"), withCookie(session), from(REMOTE))) {
            MvcTestResult result =
                    request.apply(console.mvc.get().uri("/console/api/board")).exchange();
            assertThat(result.getRequest().getSession(false)).isNull();
            assertThat(result.getResponse().getCookie("JSESSIONID")).isNull();
        }
    }

    // --- the console under test

    private Console console(String token) {
        return console(token, Clock.systemUTC());
    }

    /** The console's security, session endpoints and a stand-in API in a plain web application context. */
    private Console console(String token, Clock clock) {
        GenericWebApplicationContext context = new GenericWebApplicationContext(new MockServletContext());
        contexts.add(context);
        AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        context.registerBean(
                ConsoleSettings.class,
                () -> new ConsoleSettings(
                        token, 200, 40, 100, 20_000, Duration.ofHours(1), Duration.ofMillis(500), 50));
        context.registerBean(MeterRegistry.class, () -> meters);
        context.registerBean(Clock.class, () -> clock);
        context.registerBean(JsonMapper.class, () -> JsonMapper.builder().build());
        context.registerBean(Guarded.class);
        context.refresh();
        Filter security = context.getBean("springSecurityFilterChain", Filter.class);
        return new Console(
                MockMvcTester.from(
                        context, builder -> builder.addFilters(security).build()),
                meters);
    }

    private record Console(MockMvcTester mvc, SimpleMeterRegistry meters) {

        MockHttpServletResponse board(UnaryOperator<MockMvcRequestBuilder> request) {
            return get("/console/api/board", request);
        }

        MockHttpServletResponse get(String path, UnaryOperator<MockMvcRequestBuilder> request) {
            return request(mvc.get().uri(path), request);
        }

        MockHttpServletResponse signIn(UnaryOperator<MockMvcRequestBuilder> request) {
            return request(mvc.post().uri(ConsoleSecurity.SESSION_PATH), request);
        }

        MockHttpServletResponse request(MockMvcRequestBuilder builder, UnaryOperator<MockMvcRequestBuilder> request) {
            return request.apply(builder).exchange().getResponse();
        }

        double refused(String reason) {
            return meters.get(ConsoleMetrics.REFUSED)
                    .tag("reason", reason)
                    .counter()
                    .count();
        }
    }

    private static Chain from(String address) {
        return request -> request.with(r -> {
            r.setRemoteAddr(address);
            return r;
        });
    }

    private static Chain bearer(String token) {
        return request -> request.header("Authorization", "Bearer " + token);
    }

    private static Chain withCookie(String value) {
        return request -> request.cookie(new Cookie(SessionCookie.NAME, value));
    }

    /** A request's details, one after another. */
    private interface Chain extends UnaryOperator<MockMvcRequestBuilder> {
        default Chain andThen(UnaryOperator<MockMvcRequestBuilder> next) {
            return request -> next.apply(apply(request));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebMvc
    @EnableWebSecurity
    @Import({
        ConsoleSecurity.class,
        AdminToken.class,
        SessionCookie.class,
        Refusals.class,
        SessionController.class,
        StandIn.class
    })
    static class Guarded {}

    /** In place of the board and the page. */
    @RestController
    static class StandIn {

        @GetMapping("/console/api/board")
        String board() {
            return "{}";
        }

        @GetMapping("/console/")
        String page() {
            return "page";
        }
    }
}
