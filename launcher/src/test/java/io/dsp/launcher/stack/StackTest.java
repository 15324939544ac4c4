package io.dsp.launcher.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
