package io.dsp.console.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.console.ConsoleApplication;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser over a real stack in this JVM: asset-api, the dispatcher and the console on the test
 * broker, tasks submitted over asset-api's HTTP API. Headless Chromium (Debian's {@code chromium}, driven by npm
 * {@code playwright-core}) opens the page once, signs in with the admin token, and must show, without a reload: the
 * tenant's backlog while no worker is online, then the worker that joins with its slots, and every submitted task
 * with the terminal status asset-api reports. Screenshots: {@code target/dashboard-backlog.png} and
 * {@code target/dashboard.png}.
 */
class DashboardBrowserIT {

    private static final String ADMIN_TOKEN = "browser-it-" + UUID.randomUUID();
    private static final String LICENSE = "console-browser-" + UUID.randomUUID() + "-B1";
    private static final String TENANT = "con***B1";
    private static final String WORKER_ID =
            "console-browser-gpu-" + UUID.randomUUID().toString().substring(0, 8);
    private static final int SLOTS = 2;
    private static final Duration WAIT = Duration.ofSeconds(120);

    /**
     * Spring Security is on this classpath for the console alone: the other services run without it, so Boot must not
     * lock them with a generated password here.
     */
    private static final Map<String, Object> WITHOUT_SECURITY = Map.of(
            "spring.autoconfigure.exclude",
            Stream.of(
                            SecurityAutoConfiguration.class,
                            ServletWebSecurityAutoConfiguration.class,
                            SecurityFilterAutoConfiguration.class,
                            UserDetailsServiceAutoConfiguration.class,
                            ManagementWebSecurityAutoConfiguration.class)
                    .map(Class::getName)
                    .collect(Collectors.joining(",")));

    private final List<ConfigurableApplicationContext> services = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }

    @Test
    void theDashboardShowsTheBacklogThenTheWorkerAndEveryTaskToItsEndWithoutAReload() throws Exception {
        // Tools first: a machine without them fails here, before minutes of start-up.
        Dashboard.requireTools();

        // given the stack without a worker, and a license
        ConfigurableApplicationContext console = start(
                ConsoleApplication.builder(),
                Map.of("dsp.console.admin-token", ADMIN_TOKEN, "dsp.console.push-interval", "300ms"));
        ConfigurableApplicationContext assetApi = start(AssetApiApplication.builder(), WITHOUT_SECURITY);
        start(DispatcherApplication.builder(), WITHOUT_SECURITY);
        // the console's API needs the token, while its page and actuator stay open
        assertThat(status(url(console, "/console/api/board"))).isEqualTo(401);
        assertThat(status(url(console, "/console/"))).isEqualTo(200);
        assertThat(status(url(console, "/actuator/prometheus"))).isEqualTo(200);
        ApiClient app = ApiClient.forLicense(url(assetApi, ""), LICENSE, "browser-machine");
        Licenses.provisionActive(LICENSE);
        await().atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(app.get("/api/v1/tasks/none").msg()).isEqualTo("任务不存在或已过期"));

        // when three tasks are submitted while no worker is online
        List<String> requestIds = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            ApiClient.Answer answer = app.postJson("/api/asset/delete", "{\"id\":" + id + "}");
            assertThat(answer.msg()).as("answer %s", answer.body()).isEqualTo("已排队");
            requestIds.add(answer.data().path("request_id").asString());
        }

        Path log = Path.of("target", "dashboard-browser.log");
        try (Dashboard page = Dashboard.start(url(console, "/console/"), log)) {
            String marker = page.open(ADMIN_TOKEN);

            // then the page shows the tenant's backlog of three, and no live GPU worker
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode shown = page.read();
                assertThat(tenantWaiting(shown))
                        .as("tenant %s on the page: %s", TENANT, shown.path("tenants"))
                        .contains("3");
                assertThat(shown.path("workers")
                                .valueStream()
                                .filter(w ->
                                        w.path("fields").path("lane").asString().equals("gpu"))
                                .filter(w -> w.path("fields")
                                        .path("state")
                                        .asString()
                                        .equals("live")))
                        .as("live GPU workers")
                        .isEmpty();
                assertThat(statuses(shown, requestIds)).isSubsetOf("accepted", "queued");
            });
            page.screenshot(Path.of("target", "dashboard-backlog.png"));

            // when a worker with two slots joins and two more tasks are submitted
            start(
                    GpuConsumerApplication.builder(),
                    Map.of(
                            "spring.autoconfigure.exclude",
                            WITHOUT_SECURITY.get("spring.autoconfigure.exclude"),
                            "dsp.gpu-consumer.worker-id",
                            WORKER_ID,
                            "dsp.gpu-consumer.max-concurrent",
                            SLOTS,
                            "dsp.gpu-consumer.heartbeat-interval",
                            "1s"));
            for (int id = 4; id <= 5; id++) {
                requestIds.add(app.postJson("/api/asset/delete", "{\"id\":" + id + "}")
                        .data()
                        .path("request_id")
                        .asString());
            }

            // then the stack runs every task to success (asset-api's own answer is the truth)...
            await().atMost(WAIT).untilAsserted(() -> {
                for (String requestId : requestIds) {
                    assertThat(app.get("/api/v1/tasks/" + requestId)
                                    .data()
                                    .path("status")
                                    .asString())
                            .as(requestId)
                            .isEqualTo("succeeded");
                }
            });

            // ...and the same page, never reloaded, shows the worker and each task's terminal status and life
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode shown = page.read();
                JsonNode worker = row(shown.path("workers"), "id", WORKER_ID);
                assertThat(worker.path("fields").path("state").asString()).isEqualTo("live");
                assertThat(worker.path("fields").path("slots").asString()).isEqualTo(String.valueOf(SLOTS));
                assertThat(worker.path("fields").path("inFlight").asString()).isEqualTo("0");
                assertThat(worker.path("fields").path("kind").asString()).isEqualTo("native");
                for (String requestId : requestIds) {
                    JsonNode task = row(shown.path("tasks"), "id", requestId);
                    assertThat(task.path("status").asString()).as(requestId).isEqualTo("succeeded");
                    assertThat(task.path("fields").path("worker").asString()).isEqualTo(WORKER_ID);
                    assertThat(task.path("fields").path("tenant").asString()).isEqualTo(TENANT);
                    assertThat(task.path("steps").valueStream().map(JsonNode::asString))
                            .containsSubsequence("accepted", "dispatched", "started", "succeeded");
                }
                // nothing of the tenant waits or runs any more, so it leaves the backlog table
                assertThat(tenantWaiting(shown)).as("rows of tenant %s", TENANT).isEmpty();
                assertThat(Integer.parseInt(
                                shown.path("summary").path("workersLive").asString()))
                        .isGreaterThanOrEqualTo(1);
                assertThat(shown.path("marker").asString())
                        .as("the page was not reloaded")
                        .isEqualTo(marker);
                assertThat(shown.path("connection").asString()).isEqualTo("live");
            });
            Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
            page.screenshot(screenshot);
            assertThat(Files.size(screenshot)).isPositive();
            System.out.println("dashboard screenshot: " + screenshot);
        }
    }

    private ConfigurableApplicationContext start(
            org.springframework.boot.builder.SpringApplicationBuilder application, Map<String, Object> properties) {
        ConfigurableApplicationContext context = Services.start(application, properties);
        services.add(context);
        return context;
    }

    private static String url(ConfigurableApplicationContext context, String path) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort() + path;
    }

    private static int status(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The waiting counts of the rows showing this test's tenant (other tenants may share its mask). */
    private static List<String> tenantWaiting(JsonNode shown) {
        return shown.path("tenants")
                .valueStream()
                .filter(t -> t.path("tenant").asString().equals(TENANT))
                .map(t -> t.path("fields").path("waiting").asString())
                .toList();
    }

    private static List<String> statuses(JsonNode shown, List<String> requestIds) {
        return requestIds.stream()
                .map(id -> row(shown.path("tasks"), "id", id).path("status").asString())
                .toList();
    }

    private static JsonNode row(JsonNode rows, String field, String value) {
        return rows.valueStream()
                .filter(r -> r.path(field).asString().equals(value))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the page shows no row with " + field + "=" + value));
    }
}
