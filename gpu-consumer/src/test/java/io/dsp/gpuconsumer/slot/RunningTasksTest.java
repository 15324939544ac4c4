package io.dsp.gpuconsumer.slot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunningTasksTest {

    private final AtomicLong nanos = new AtomicLong();
    private final RunningTasks running = new RunningTasks(nanos::get);

    @Test
    void anOutcomeASlotRecordedIsRememberedSoThatALaterCopyIsNotRunAgain() {
        assertThat(running.endedHere("r1")).isFalse();

        running.ended("r1");
        nanos.addAndGet(Duration.ofMinutes(9).toNanos());

        assertThat(running.endedHere("r1")).isTrue();
        assertThat(running.endedHere("r2")).isFalse();
    }

    @Test
    void anOutcomeIsForgottenLongAfterTheLedgerShowsIt() {
        running.ended("r1");

        nanos.addAndGet(RunningTasks.ENDED_HERE_KEPT.plusSeconds(1).toNanos());

        assertThat(running.endedHere("r1")).isFalse();
    }
}
