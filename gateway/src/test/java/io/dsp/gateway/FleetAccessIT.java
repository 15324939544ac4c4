package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.access.ConnectionGuard;
import io.dsp.gateway.access.FleetAccess;
import io.dsp.gateway.support.HostileSocket;
import io.dsp.gateway.support.HostileSocket.Answer;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Attacks on {@code /dsp} with real connections against a gateway whose tokenless networks do not include this test's
 * address (loopback), so every peer here is "anyone on the network": only a fleet token admits a worker or monitor.
 */
@GatewayIntegrationTest
@TestPropertySource(
        properties = {
            "dsp.gateway.access.fleet-tokens[0]=" + FleetAccessIT.OLD_TOKEN,
            "dsp.gateway.access.fleet-tokens[1]=" + FleetAccessIT.NEW_TOKEN,
            "dsp.gateway.access.tokenless-networks[0]=10.255.255.0/24",
            "dsp.gateway.access.limit-exempt-networks[0]=10.255.255.0/24",
            "dsp.gateway.access.max-connections-per-address=40",
            "dsp.gateway.access.new-connections-per-second=25",
            "dsp.gateway.access.register-timeout=2s",
            "dsp.gateway.access.license-recheck-interval=300ms"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetAccessIT {

    static final String OLD_TOKEN = "fleet-old-3b9c1f0e7a";
    static final String NEW_TOKEN = "fleet-new-8d2e6a4c1b";
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    String url() {
        return "ws://127.0.0.1:" + port + "/dsp";
    }

    @Test
    @Order(1)
    void anAnonymousWorkerFromADisallowedAddressIsRefusedAndClosed() {
        for (String register : List.of(
                "{\"type\":\"register\",\"role\":\"worker\"}",
                "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\"}")) {
            assertRefusedAndClosed(register, FleetAccess.NOT_ALLOWED_HERE);
        }
    }

    @Test
    @Order(2)
    void anAnonymousMonitorIsRefusedAndClosed() {
        assertRefusedAndClosed("{\"type\":\"register\",\"role\":\"gpu_monitor\"}", FleetAccess.NOT_ALLOWED_HERE);
    }

    @Test
    @Order(3)
    void aWorkerWithAWrongTokenIsRefusedAndClosed() {
        assertRefusedAndClosed(
                "{\"type\":\"register\",\"role\":\"worker\",\"token\":\"" + OLD_TOKEN + "x\"}",
                FleetAccess.WRONG_TOKEN);
        assertRefusedAndClosed(
                "{\"type\":\"register\",\"role\":\"gpu_monitor\",\"token\":\"fleet-new-8D2E6A4C1B\"}",
                FleetAccess.WRONG_TOKEN);
        assertRefusedAndClosed(
                "{\"type\":\"register\",\"role\":\"gpu_monitor\",\"token\":\"\"}", FleetAccess.NOT_ALLOWED_HERE);
    }

    @Test
    @Order(4)
    void bothTokensOfARotationAdmitAndNoWorkerOpensMoreSlotsThanItsKindAllows() {
        for (String token : List.of(OLD_TOKEN, NEW_TOKEN)) {
            try (HostileSocket worker = connected()) {
                JsonNode registered =
                        frame(worker.text("{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\","
                                        + "\"slots\":1,\"token\":\"" + token + "\"}")
                                .next(WITHIN));
                assertThat(registered.path("type").asString()).isEqualTo("registered");
            }
        }
        try (HostileSocket greedy = connected()) {
            JsonNode refused = frame(greedy.text(
                            "{\"type\":\"register\",\"role\":\"worker\",\"slots\":200,\"token\":\"" + NEW_TOKEN + "\"}")
                    .next(WITHIN));
            assertThat(refused.path("type").asString()).isEqualTo("error");
            assertThat(refused.path("msg").asString()).startsWith("slots 必须是 1-");
        }
    }

    @Test
    @Order(5)
    void aMonitorSeesThatWorkCameButNeverWhoseLicenseKey() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (HostileSocket monitor = connected();
                LegacySocket client = LegacySocket.connect(url())) {
            assertThat(frame(monitor.text("{\"type\":\"register\",\"role\":\"gpu_monitor\",\"token\":\"" + NEW_TOKEN
                                            + "\"}")
                                    .next(WITHIN))
                            .path("type")
                            .asString())
                    .isEqualTo("registered");
            client.next();
            client.send("{\"type\":\"register\",\"key\":\"" + license + "\"}").next();
            client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":5}}");
            client.send("{\"type\":\"url\",\"url\":\"https://example.invalid/v\"}");

            List<String> seen = new ArrayList<>();
            await().atMost(WITHIN).until(() -> {
                Answer next = monitor.next(Duration.ofMillis(200));
                if (next != null && next.frame() != null) {
                    seen.add(next.frame().toString());
                }
                return seen.stream().anyMatch(f -> f.contains("\"gpu.job.submit\""))
                        && seen.stream().anyMatch(f -> f.contains("\"url\""));
            });
            assertThat(seen).noneMatch(f -> f.contains(license));
        }
    }

    @Test
    @Order(6)
    void aConnectionThatNeverRegistersIsToldAndClosedAfterTheDeadline() {
        try (HostileSocket idle = connected()) {
            Answer told = idle.next(WITHIN);
            assertThat(told).isNotNull();
            assertThat(told.frame().path("msg").asString()).isEqualTo(ConnectionGuard.REGISTER_TIMEOUT);
            Answer closed = idle.next(WITHIN);
            assertThat(closed).isNotNull();
            assertThat(closed.closed()).isTrue();
        }
    }

    @Test
    @Order(7)
    void aLicenseDisabledWhileItsSocketIsOpenIsToldAndClosedWithinSeconds() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        try (HostileSocket client = connected()) {
            assertThat(frame(client.text("{\"type\":\"register\",\"key\":\"" + license + "\"}")
                                    .next(WITHIN))
                            .path("type")
                            .asString())
                    .isEqualTo("registered");
            Licenses.provision(License.newBuilder(Licenses.active(license))
                    .setStatus(LicenseStatus.DISABLED)
                    .setUpdatedAt(Instant.now())
                    .build());
            Answer told = client.next(WITHIN);
            assertThat(told).isNotNull();
            assertThat(told.frame().path("msg").asString()).isEqualTo(ConnectionGuard.LICENSE_REVOKED);
            assertThat(client.next(WITHIN).closed()).isTrue();
        }
    }

    @Test
    @Order(8) // last: it spends this address's connection budget
    void aThousandConnectionsFromOneAddressAreMostlyRefused() {
        List<HostileSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 1_000; i++) {
                try {
                    sockets.add(HostileSocket.connect(url()));
                } catch (RuntimeException refusedAtTheDoor) {
                    // a handshake that did not complete is a refusal too
                }
            }
            await().atMost(WITHIN)
                    .until(() -> sockets.stream().filter(s -> !s.isClosed()).count() <= 40);
            assertThat(sockets.stream().filter(s -> !s.isClosed()).count())
                    .as("open connections from one address")
                    .isLessThanOrEqualTo(40);
        } finally {
            sockets.forEach(HostileSocket::close);
        }
    }

    private HostileSocket connected() {
        HostileSocket socket = HostileSocket.connect(url());
        Answer connected = socket.next(WITHIN);
        assertThat(connected).isNotNull();
        assertThat(connected.frame().path("type").asString()).isEqualTo("connected");
        return socket;
    }

    private void assertRefusedAndClosed(String register, String message) {
        try (HostileSocket socket = connected()) {
            Answer refused = socket.text(register).next(WITHIN);
            assertThat(refused).as(register).isNotNull();
            assertThat(refused.frame().path("type").asString()).as(register).isEqualTo("error");
            assertThat(refused.frame().path("msg").asString()).as(register).isEqualTo(message);
            Answer closed = socket.next(WITHIN);
            assertThat(closed).as(register).isNotNull();
            assertThat(closed.closed()).as(register + " closed").isTrue();
        }
    }

    private static JsonNode frame(Answer answer) {
        assertThat(answer).isNotNull();
        assertThat(answer.frame()).as("a frame, not a close").isNotNull();
        return answer.frame();
    }
}
