package io.dsp.gpuconsumer.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CancellationsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private final Cancellations cancellations = new Cancellations(
            new ControlSettings(Duration.ofHours(2), Duration.ofSeconds(30)), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aCancelCountsOnlyForTheLicenseThatSentIt() {
        cancellations.apply(cancel("r1", "OWNER", NOW));
        cancellations.apply(cancel("r2", "INTRUDER", NOW));

        assertThat(cancellations.verdict("r1", "OWNER")).isEqualTo(Cancellations.Verdict.CANCELLED);
        assertThat(cancellations.verdict("r2", "OWNER")).isEqualTo(Cancellations.Verdict.FOREIGN_ONLY);
        assertThat(cancellations.verdict("r3", "OWNER")).isEqualTo(Cancellations.Verdict.NONE);
    }

    @Test
    void listenersHearOfEveryCancelWithItsLicense() {
        List<String> heard = new ArrayList<>();
        cancellations.onCancel((requestId, licenseKey) -> heard.add(requestId + "/" + licenseKey));

        cancellations.apply(cancel("r1", "OWNER", NOW));
        cancellations.apply(cancel("r2", "INTRUDER", NOW));

        assertThat(heard).containsExactly("r1/OWNER", "r2/INTRUDER");
    }

    @Test
    void aCommandOlderThanTheMemoryWindowOrOfAnotherActionChangesNothing() {
        List<String> heard = new ArrayList<>();
        cancellations.onCancel((requestId, licenseKey) -> heard.add(requestId));

        cancellations.apply(cancel("old", "OWNER", NOW.minus(Duration.ofHours(3))));
        TaskControl unknown = cancel("r1", "OWNER", NOW);
        unknown.setAction(TaskAction.UNKNOWN);
        cancellations.apply(unknown);

        assertThat(cancellations.verdict("old", "OWNER")).isEqualTo(Cancellations.Verdict.NONE);
        assertThat(cancellations.verdict("r1", "OWNER")).isEqualTo(Cancellations.Verdict.NONE);
        assertThat(heard).isEmpty();
    }

    private static TaskControl cancel(String requestId, String licenseKey, Instant at) {
        return TaskControl.newBuilder()
                .setCommandId(requestId + "-" + licenseKey)
                .setRequestId(requestId)
                .setLicenseKey(licenseKey)
                .setAction(TaskAction.CANCEL)
                .setAt(at)
                .setSource("test")
                .build();
    }
}
