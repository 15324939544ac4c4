package io.dsp.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaCommandTest {

    private final Path stack = Path.of("/repo/.dsp-data");

    @Test
    void marksTheChildWithItsComponentAndStack() {
        List<String> command = new JavaCommand(
                        "kafka", List.of("-Xmx768m"), List.of("kafka.Kafka", "server.properties"))
                .toList(stack);

        assertThat(command.get(0)).endsWith("/bin/java");
        assertThat(command.subList(1, command.size()))
                .containsExactly(
                        "-Ddsp.component=kafka",
                        "-Ddsp.stack=/repo/.dsp-data",
                        "-Xmx768m",
                        "kafka.Kafka",
                        "server.properties");
    }

    @Test
    void recognisesItsOwnChildrenOnly() {
        List<String> args = new JavaCommand("kafka", List.of(), List.of("kafka.Kafka"))
                .toList(stack)
                .subList(1, 4);

        assertThat(JavaCommand.belongsTo(args, "kafka", stack)).isTrue();
        assertThat(JavaCommand.belongsTo(args, "gateway", stack)).isFalse();
        assertThat(JavaCommand.belongsTo(args, "kafka", Path.of("/elsewhere"))).isFalse();
        assertThat(JavaCommand.belongsTo(List.of("-jar", "x.jar"), "kafka", stack))
                .isFalse();
    }
}
