package io.dsp.ops.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.ops.OpsCommand;
import io.dsp.ops.OpsException;
import io.dsp.schemas.access.ServicePrincipal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaAccessCommandTest {

    @TempDir
    Path secrets;

    @Test
    void showPrintsEveryPrincipalWithItsGrantsWithoutTouchingKafka() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new OpsCommand());
        cli.setOut(new PrintWriter(out));

        int code = cli.execute("kafka-access", "--show", "--bootstrap-servers", "127.0.0.1:1");

        assertThat(code).isZero();
        for (ServicePrincipal p : ServicePrincipal.values()) {
            assertThat(out.toString()).contains(p.principal());
        }
        assertThat(out.toString()).contains("ALLOW WRITE TOPIC dsp.dispatch\n");
    }

    @Test
    void passwordsAreReadFromOneFilePerServiceAndTrimmed() throws Exception {
        Files.writeString(secrets.resolve("kafka.dsp-gateway.password"), "a-long-enough-password-1234\n");

        assertThat(KafkaAccessCommand.passwords(secrets))
                .containsOnlyKeys(ServicePrincipal.GATEWAY)
                .containsEntry(ServicePrincipal.GATEWAY, "a-long-enough-password-1234");
    }

    @Test
    void aShortPasswordIsRefusedNamingItsFile() throws Exception {
        Files.writeString(secrets.resolve("kafka.dsp-dispatcher.password"), "short");

        assertThatThrownBy(() -> KafkaAccessCommand.passwords(secrets))
                .isInstanceOf(OpsException.class)
                .hasMessageContaining("kafka.dsp-dispatcher.password")
                .hasMessageContaining("shorter than 16");
    }

    @Test
    void aMissingSecretsDirectoryIsAClearError() {
        assertThatThrownBy(() -> KafkaAccessCommand.passwords(secrets.resolve("nope")))
                .isInstanceOf(OpsException.class)
                .hasMessageContaining("is not a directory");
    }
}
