package io.dsp.gpuconsumer.slot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.TaskProgress;
import io.dsp.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {

    private final List<Integer> published = new ArrayList<>();
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-29T00:00:00Z"));
    private final ProgressThrottle throttle =
            new ProgressThrottle(p -> published.add(p.getPercent()), Duration.ofSeconds(2), clock);

    @Test
    void passesAtMostOneProgressPerIntervalOfTheSameStatus() {
        report("processing", 5);
        report("processing", 6);
        tick(1_999);
        report("processing", 7);
        tick(1);
        report("processing", 8);

        assertThat(published).containsExactly(5, 8);
    }

    @Test
    void alwaysPassesAChangeOfStatus() {
        report("queued", 1);
        report("processing", 5);
        report("processing", 50);
        report("done", 100);

        assertThat(published).containsExactly(1, 5, 100);
    }

    private void report(String status, int percent) {
        throttle.progress(
                TaskProgress.newBuilder().setStatus(status).setPercent(percent).build());
    }

    private void tick(long millis) {
        clock.advance(Duration.ofMillis(millis));
    }
}
