package io.dsp.dispatcher.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.license.LicenseKeys;
import io.dsp.dispatcher.DispatcherIntegrationTest;
import io.dsp.dispatcher.support.FleetDriver;
import io.dsp.dispatcher.support.QuietFleetTest;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The dispatcher's meters, named by {@link MetricNames}, as a tenant waits and is released, and on the scrape page. */
@DispatcherIntegrationTest
class DispatcherMetricsIT extends QuietFleetTest {

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    @Test
    void backlogWhileWaitingThenDispatchedCountAndLatencyAfterReleaseAllOnThePrometheusPage() throws Exception {
        // given three waiting tasks of one tenant and no worker
        String license = FleetDriver.newLicense("metrics");
        String tenant = LicenseKeys.mask(license);
        double dispatchedBefore = dispatched();
        long latencyBefore = latencyCount();
        List<String> ids = fleet.submit(license, 3);
        fleet.awaitDispatcherReads(license);

        // then the tenant's backlog and oldest wait show, tagged with the masked key
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(gauge(MetricNames.BACKLOG, tenant)).isEqualTo(3);
            assertThat(gauge(MetricNames.OLDEST_WAIT, tenant)).isGreaterThanOrEqualTo(0);
        });

        // when a worker joins and the tasks are released
        fleet.announceWorker(5);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fleet.dispatched(ids)).hasSize(3));

        // then they are counted by type, their dispatch latency recorded, and the backlog is empty
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(dispatched() - dispatchedBefore).isEqualTo(3);
            assertThat(latencyCount() - latencyBefore).isEqualTo(3);
            assertThat(gauge(MetricNames.BACKLOG, tenant)).isZero();
        });
        String page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(page)
                .contains("dsp_tasks_dispatched_total{task_type=\"delete_asset\"")
                .contains("dsp_dispatch_latency_seconds_bucket{priority=\"normal\"")
                .contains("dsp_backlog{tenant=\"" + tenant + "\"")
                .doesNotContain(license);
    }

    private double dispatched() {
        Counter counter = meters.find(MetricNames.TASKS_DISPATCHED)
                .tag(MetricNames.TAG_TASK_TYPE, "delete_asset")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private long latencyCount() {
        Timer timer = meters.find(MetricNames.DISPATCH_LATENCY)
                .tag(MetricNames.TAG_PRIORITY, "normal")
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private double gauge(String name, String tenant) {
        Gauge gauge = meters.find(name).tag(MetricNames.TAG_TENANT, tenant).gauge();
        assertThat(gauge).as(name + " of " + tenant).isNotNull();
        return gauge.value();
    }
}
