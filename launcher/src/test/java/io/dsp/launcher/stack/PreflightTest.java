package io.dsp.launcher.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.launcher.StartupException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {

    @Test
    void saysWhichPortIsTakenAndHowToGetPastIt() {
        Set<Integer> taken = Set.of(9092, 8381);

        List<String> problems = Preflight.portProblems(
                9092, 9093, List.of(Service.ASSET_API, Service.DISPATCHER), port -> !taken.contains(port));

        assertThat(problems)
                .containsExactly(
                        "Port 9092 (Kafka) is already in use on 127.0.0.1: stop what listens there (ss -ltnp"
                                + " 'sport = :9092' shows it) or pick another with --kafka-port.",
                        "Port 8381 (dispatcher) is already in use on 127.0.0.1: stop what listens there (ss -ltnp"
                                + " 'sport = :8381' shows it) or leave the service out with --without=dispatcher.");
    }

    @Test
    void checksOnlyThePortsOfTheSelectedServices() {
        assertThat(Preflight.portProblems(9092, 9093, List.of(), port -> port != 8080))
                .isEmpty();
    }

    @Test
    void failsNamingTheControllerPort() {
        assertThatThrownBy(() -> Preflight.requireFreePorts(9092, 9093, List.of(), port -> port != 9093))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("Port 9093 (the Kafka controller)")
                .hasMessageContaining("--controller-port");
    }

    @Test
    void namesTheServicesThatAreNotBuilt(@TempDir Path repo) {
        assertThatThrownBy(() -> Preflight.requireJars(repo, List.of(Service.GATEWAY, Service.GPU_CONSUMER)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("gateway/target/gateway-<version>-exec.jar")
                .hasMessageContaining("gpu-consumer/target/gpu-consumer-<version>-exec.jar")
                .hasMessageContaining("--without");
    }

    @Test
    void needsNoJarWhenNoServiceIsSelected(@TempDir Path repo) {
        assertThat(Preflight.requireJars(repo, List.of())).isEmpty();
    }
}
