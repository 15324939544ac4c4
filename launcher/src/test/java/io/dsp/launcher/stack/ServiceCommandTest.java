package io.dsp.launcher.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.launcher.process.JavaCommand;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceCommandTest {

    private final Path jar = Path.of("/repo/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar");
    private final Path root = Path.of("/repo/.dsp-data");
    private final Path data = root.resolve("gateway");

    @Test
    void passesTheBrokerTheServiceDataDirTheBindAddressAndTheSharedResultStoreButNoSecretAsArguments() {
        JavaCommand command =
                ServiceCommand.of(Service.GATEWAY, jar, "127.0.0.1:19092", data, null, List.of(), "127.0.0.1", root);

        assertThat(command.component()).isEqualTo("gateway");
        assertThat(command.mainAndArgs())
                .containsExactly(
                        "-jar",
                        jar.toString(),
                        "--spring.kafka.bootstrap-servers=127.0.0.1:19092",
                        "--dsp.data-dir=/repo/.dsp-data/gateway",
                        "--server.address=127.0.0.1",
                        "--dsp.results.dir=/repo/.dsp-data/results",
                        "--spring.config.import=optional:configtree:/repo/.dsp-data/secrets/");
        assertThat(String.join(" ", command.mainAndArgs()))
                .doesNotContain("links.secret")
                .doesNotContain("token");
    }

    @Test
    void runsWithSmallQuickStartingJvmsByDefault() {
        JavaCommand command = ServiceCommand.of(Service.GATEWAY, jar, "b", data, " ", List.of(), "127.0.0.1", root);

        assertThat(command.jvmOptions()).contains("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }

    @Test
    void takesOtherJvmOptionsFromTheEnvironment() {
        JavaCommand command = ServiceCommand.of(
                Service.GATEWAY, jar, "b", data, " -Xmx512m  -XX:+UseG1GC ", List.of(), "127.0.0.1", root);

        assertThat(command.jvmOptions()).containsExactly("-Xmx512m", "-XX:+UseG1GC");
    }

    @Test
    void addsTheClassSharingOptionsAfterTheOthers() {
        JavaCommand command = ServiceCommand.of(
                Service.GATEWAY, jar, "b", data, "-Xmx512m", List.of("-XX:SharedArchiveFile=a"), "127.0.0.1", root);

        assertThat(command.jvmOptions()).containsExactly("-Xmx512m", "-XX:SharedArchiveFile=a");
    }
}
