package io.dsp.systemtests.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gateway.GatewayApplication;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The unchanged legacy protocol from another language: {@code scripts/legacy_ws_client.py}, written from the legacy
 * spec with Python's {@code websocket-client}, registers as a worker and as a client and completes a task through
 * the gateway and the real dispatcher.
 */
class LegacyPythonClientIT {

    static final String PYTHON = "/usr/bin/python3";
    /** The client lives with the gateway it was written against; tests run in this module's folder. */
    static final String CLIENT = "../gateway/scripts/legacy_ws_client.py";

    static ConfigurableApplicationContext dispatcher;
    static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void startDispatcherAndGateway() {
        dispatcher = Services.start(DispatcherApplication.builder(), Map.of());
        gateway = Services.start(GatewayApplication.builder(), Map.of());
    }

    @AfterAll
    static void stopDispatcherAndGateway() {
        for (ConfigurableApplicationContext service : new ConfigurableApplicationContext[] {gateway, dispatcher}) {
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void theLegacyPythonClientRegistersBothRolesAndCompletesATask() throws Exception {
        assertThat(new File(PYTHON).canExecute())
                .as("%s is required: apt-get install -y python3 python3-websocket", PYTHON)
                .isTrue();
        Process check = new ProcessBuilder(PYTHON, "-c", "import websocket").start();
        assertThat(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0)
                .as("Python's websocket-client is required: apt-get install -y python3-websocket")
                .isTrue();

        String license = "LIC-PY-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        Path transcript = Files.createTempFile("legacy-ws-client-", ".log");
        int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        Process client = new ProcessBuilder(List.of(
                        PYTHON,
                        CLIENT,
                        "--url",
                        "ws://127.0.0.1:" + port + "/dsp",
                        "--key",
                        license,
                        "--timeout",
                        "90"))
                .redirectErrorStream(true)
                .redirectOutput(transcript.toFile())
                .start();
        boolean finished = client.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            client.destroyForcibly();
        }
        String output = Files.readString(transcript, StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(finished).as("the client finished:%n%s", output).isTrue();
        assertThat(client.exitValue()).as(output).isZero();
        assertThat(output).contains("OK request_id=py_");
    }
}
