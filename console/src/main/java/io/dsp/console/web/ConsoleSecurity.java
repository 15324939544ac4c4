package io.dsp.console.web;

import static org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.pathPattern;
import static org.springframework.security.web.util.matcher.RequestMatchers.allOf;
import static org.springframework.security.web.util.matcher.RequestMatchers.anyOf;
import static org.springframework.security.web.util.matcher.RequestMatchers.not;

import io.dsp.console.ConsoleSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.rememberme.RememberMeAuthenticationFilter;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Security for the console. The API ({@code /console/api/**}, but the session endpoints the page signs in
 * with) is guarded; everything else (the page and its assets, which hold no data, the session endpoints, actuator as
 * on the other services) is open.
 *
 * <p>With {@code dsp.console.admin-token} set, an API call needs the token as a bearer token ({@link AdminToken}) or
 * the session cookie ({@link SessionCookie}); without it, only callers on this host are answered, so an unset secret
 * never opens the console to the network. {@link Refusals} answers everyone else.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurity {

    static final String SESSION_PATH = "/console/api/session";

    private static final RequestMatcher GUARDED = allOf(pathPattern("/console/api/**"), not(pathPattern(SESSION_PATH)));

    private static final RequestMatcher FROM_THIS_HOST =
            anyOf(new IpAddressMatcher("127.0.0.0/8"), new IpAddressMatcher("::1"));

    @Bean
    @Order(1)
    SecurityFilterChain guardedApi(
            HttpSecurity http,
            ConsoleSettings settings,
            AdminToken adminToken,
            SessionCookie session,
            Refusals refusals)
            throws Exception {
        stateless(http.securityMatcher(GUARDED));
        // Anonymous callers are refused through the entry point, whichever rule turned them away.
        http.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(refusals));
        if (settings.tokenRequired()) {
            AuthenticationFilter bearer = new AuthenticationFilter(adminToken, adminToken);
            // Authenticated: the request carries on to the API (the default would redirect).
            bearer.setSuccessHandler((request, response, authentication) -> {});
            bearer.setFailureHandler(new AuthenticationEntryPointFailureHandler(refusals));
            http.addFilterBefore(bearer, RememberMeAuthenticationFilter.class)
                    .rememberMe(rememberMe -> rememberMe.rememberMeServices(session))
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated());
        } else {
            http.authorizeHttpRequests(requests -> requests.requestMatchers(FROM_THIS_HOST)
                    .permitAll()
                    .anyRequest()
                    .denyAll());
        }
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain open(HttpSecurity http) throws Exception {
        return stateless(http)
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    /**
     * No HTTP session (every call carries its credentials), no logout endpoint (the page signs out with {@code DELETE
     * /console/api/session}), and no CSRF token: the only cookie that opens anything is {@code SameSite=Strict}, so a
     * request another site starts never carries it, and signing in needs the token in a header no cross-site form can
     * set.
     */
    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .logout(logout -> logout.disable());
    }
}
