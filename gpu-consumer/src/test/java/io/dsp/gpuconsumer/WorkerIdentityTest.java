package io.dsp.gpuconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerIdentityTest {

    @Test
    void usesTheConfiguredWorkerId() {
        WorkerIdentity identity = new WorkerIdentity(settings("gpu-rack-3"));

        assertThat(identity.id()).isEqualTo("gpu-rack-3");
        assertThat(identity.host()).isNotBlank();
    }

    @Test
    void blankWorkerIdBecomesHostAndARandomSuffixNewPerStart() {
        WorkerIdentity first = new WorkerIdentity(settings(""));
        WorkerIdentity second = new WorkerIdentity(settings("  "));

        assertThat(first.id()).matches("gpu-" + java.util.regex.Pattern.quote(first.host()) + "-[0-9a-f]{6}");
        assertThat(second.id()).startsWith("gpu-" + second.host() + "-");
        assertThat(first.id()).isNotEqualTo(second.id());
    }

    private static WorkerSettings settings(String workerId) {
        return new WorkerSettings(
                workerId,
                3,
                5,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                2,
                Duration.ofSeconds(2),
                URI.create("http://127.0.0.1:8080"),
                Duration.ofMillis(50));
    }
}
