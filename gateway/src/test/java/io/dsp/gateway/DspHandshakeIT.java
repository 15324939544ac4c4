package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@GatewayIntegrationTest
class DspHandshakeIT {

    @LocalServerPort
    int port;

    LegacySocket socket;

    @BeforeEach
    void connect() {
        socket = LegacySocket.connect("ws://127.0.0.1:" + port + "/dsp");
    }

    @AfterEach
    void close() {
        socket.close();
    }

    @Test
    void everyConnectionIsGreetedWithItsOwnConnectionNumber() {
        JsonNode first = socket.next();
        try (LegacySocket second = LegacySocket.connect("ws://127.0.0.1:" + port + "/dsp")) {
            JsonNode other = second.next();

            assertThat(first.path("type").asString()).isEqualTo("connected");
            assertThat(other.path("type").asString()).isEqualTo("connected");
            assertThat(other.path("fd").asLong()).isNotEqualTo(first.path("fd").asLong());
        }
    }

    @Test
    void pingIsAnsweredWithPong() {
        socket.next();

        assertThat(socket.send("{\"type\":\"ping\"}").next().path("type").asString())
                .isEqualTo("pong");
    }

    @Test
    void workersMonitorsAndClientsRegisterAsTheLegacyGatewayAnswered() {
        socket.next();

        JsonNode worker = socket.send(
                        "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\",\"ts\":1735000000}")
                .next();
        assertThat(worker.path("type").asString()).isEqualTo("registered");
        assertThat(worker.path("role").asString()).isEqualTo("worker");

        JsonNode roleChange =
                socket.send("{\"type\":\"register\",\"role\":\"gpu_monitor\"}").next();
        assertThat(roleChange.path("type").asString()).isEqualTo("error");
        try (LegacySocket monitorSocket = LegacySocket.connect("ws://127.0.0.1:" + port + "/dsp")) {
            monitorSocket.next();
            JsonNode monitor = monitorSocket
                    .send("{\"type\":\"register\",\"role\":\"gpu_monitor\"}")
                    .next();
            assertThat(monitor.path("role").asString()).isEqualTo("gpu_monitor");
        }

        String license = "LIC-" + java.util.UUID.randomUUID();
        Licenses.provisionActive(license);
        try (LegacySocket app = LegacySocket.connect("ws://127.0.0.1:" + port + "/dsp")) {
            app.next();
            JsonNode client = app.send("{\"type\":\"register\",\"key\":\"" + license + "\"}")
                    .next();
            assertThat(client.path("type").asString()).isEqualTo("registered");
            assertThat(client.path("key").asString()).isEqualTo(license);
            assertThat(client.path("device_type").asString()).isEqualTo("pc");
        }
    }

    @Test
    void aClientWithALapsedLicenseIsRefusedAndStaysUnregistered() {
        String lapsed = "LIC-" + java.util.UUID.randomUUID();
        Licenses.provision(io.dsp.schemas.avro.License.newBuilder(Licenses.active(lapsed))
                .setStatus(io.dsp.schemas.avro.LicenseStatus.EXPIRED)
                .build());
        socket.next();
        JsonNode refused = socket.send("{\"type\":\"register\",\"key\":\"" + lapsed + "\"}")
                .next();
        assertThat(refused.path("type").asString()).isEqualTo("error");
        assertThat(refused.path("message").asString()).isEqualTo("授权码无效或已过期");

        JsonNode submit = socket.send(
                        "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":1}}")
                .next();
        assertThat(submit.path("type").asString()).isEqualTo("error");
    }

    @Test
    void aKeyThatIsNoLicenseRegistersAnObserverThatCannotSubmit() {
        socket.next();
        JsonNode registered = socket.send("{\"type\":\"register\",\"key\":\"NO-SUCH-LICENSE\"}")
                .next();
        assertThat(registered.path("type").asString()).isEqualTo("registered");

        JsonNode submit = socket.send(
                        "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"payload\":{\"id\":1}}")
                .next();
        assertThat(submit.path("type").asString()).isEqualTo("error");
    }

    @Test
    void badFramesGetAnErrorCarryingBothMsgAndMessage() {
        socket.next();

        for (String frame :
                new String[] {"{\"type\":\"no.such.type\"}", "{\"no_type\":1}", "[1,2]", "{\"type\":\"register\"}"}) {
            JsonNode error = socket.send(frame).next();
            assertThat(error.path("type").asString()).as(frame).isEqualTo("error");
            assertThat(error.path("msg").asString())
                    .as(frame)
                    .isNotBlank()
                    .isEqualTo(error.path("message").asString());
        }
    }

    @Test
    void nonJsonFramesThatAreNotUrlsAreDroppedSilentlyAsBefore() {
        socket.next();

        socket.send("hello there");

        assertThat(socket.quietFor(Duration.ofMillis(500))).isTrue();
        assertThat(socket.send("{\"type\":\"ping\"}").next().path("type").asString())
                .isEqualTo("pong");
    }
}
