package io.dsp.launcher.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.launcher.DataDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackTest {

    @Test
    void showsExampleRequestsWithTheDemoLicense() {
        assertThat(Stack.exampleCommands("demo-0123456789abcdef"))
                .hasSize(3)
                .anySatisfy(line -> assertThat(line)
                        .startsWith("curl -s -X POST http://127.0.0.1:8080/api/asset/delete")
                        .contains("-H 'Authorization: Bearer demo-0123456789abcdef'")
                        .contains("-H 'X-Machine-Code: demo-machine'")
                        .endsWith("-H 'Content-Type: application/json' -d '{\"id\":123}'"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("curl -s http://127.0.0.1:8080/api/v1/tasks/<request_id>")
                        .contains("Bearer demo-0123456789abcdef"));
    }

    @Test
    void runsWithoutClassDataSharingAndSaysSoOnceWhenThereIsNoJcmdToDumpArchives(@TempDir Path dir) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        Stack withoutJcmd = new Stack(new DataDir(dir), dir, out, Instant.now(), true, Optional.empty());

        assertThat(withoutJcmd.classSharing()).isFalse();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .containsOnlyOnce("no jcmd")
                .contains("running without class-data sharing archives");
    }

    @Test
    void sharesClassDataWithAJcmdUnlessTurnedOff(@TempDir Path dir) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Optional<Path> jcmd = Optional.of(dir.resolve("jdk/bin/jcmd"));

        assertThat(new Stack(new DataDir(dir), dir, out, Instant.now(), true, jcmd).classSharing())
                .isTrue();
        assertThat(new Stack(new DataDir(dir), dir, out, Instant.now(), false, jcmd).classSharing())
                .isFalse();
        assertThat(new Stack(new DataDir(dir), dir, out, Instant.now(), false, Optional.empty()).classSharing())
                .as("--no-cds on a JRE")
                .isFalse();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
