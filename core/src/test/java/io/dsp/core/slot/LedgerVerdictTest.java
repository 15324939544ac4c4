package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.schemas.avro.TaskEventType;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class LedgerVerdictTest {

    @Test
    void aTaskThatAlreadyEndedIsNotRunAgain() throws Exception {
        LedgerVerdict verdict =
                LedgerVerdict.of(answering(new PriorAttempts(TaskEventType.SUCCEEDED, 0, null)), "slot-1", "req-1", 2);

        assertThat(verdict).isEqualTo(new LedgerVerdict.AlreadyEnded(TaskEventType.SUCCEEDED));
    }

    @Test
    void aTaskTheLedgerCannotCheckInTimeIsNotRunUnchecked() throws Exception {
        TaskLedger late = new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) throws TimeoutException {
                throw new TimeoutException("ledger stalled");
            }

            @Override
            public Optional<String> failure() {
                return Optional.of("stalled");
            }
        };

        assertThat(LedgerVerdict.of(late, "slot-1", "req-1", 1))
                .isEqualTo(new LedgerVerdict.Unchecked("ledger stalled"));
    }

    @Test
    void aTaskThatNeverEndedRunsWithItsAbandonedStartsCounted() throws Exception {
        PriorAttempts prior = new PriorAttempts(null, 2, "gpu-a");

        assertThat(LedgerVerdict.of(answering(prior), "slot-1", "req-1", 3)).isEqualTo(new LedgerVerdict.Run(prior));
    }

    private static TaskLedger answering(PriorAttempts prior) {
        return new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) {
                return prior;
            }

            @Override
            public Optional<String> failure() {
                return Optional.empty();
            }
        };
    }
}
