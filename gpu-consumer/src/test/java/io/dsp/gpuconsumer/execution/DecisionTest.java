package io.dsp.gpuconsumer.execution;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionTest {

    private static final int LIMIT = 5;

    private static final TaskOutcome SUCCEEDED = new TaskOutcome.Succeeded("{\"id\":1}");
    private static final TaskOutcome FAILED = new TaskOutcome.Failed("BAD_PAYLOAD", "缺少 id 或 license_key");
    private static final TaskOutcome RETRY = new TaskOutcome.Retry("engine busy");

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 5, 6})
    void successIsAcceptedOnAnyDelivery(int delivery) {
        Decision decision = Decision.of(SUCCEEDED, delivery, LIMIT);

        assertThat(decision).isEqualTo(Decision.SUCCEED);
        assertThat(decision.acknowledgement()).isEqualTo(AcknowledgeType.ACCEPT);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 5, 6})
    void permanentFailureIsAcceptedOnAnyDeliveryAndNeverRetried(int delivery) {
        Decision decision = Decision.of(FAILED, delivery, LIMIT);

        assertThat(decision).isEqualTo(Decision.FAIL);
        assertThat(decision.acknowledgement()).isEqualTo(AcknowledgeType.ACCEPT);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void transientFailureBeforeTheLastAllowedDeliveryIsReleasedForRetry(int delivery) {
        Decision decision = Decision.of(RETRY, delivery, LIMIT);

        assertThat(decision).isEqualTo(Decision.RETRY);
        assertThat(decision.acknowledgement()).isEqualTo(AcknowledgeType.RELEASE);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 10})
    void transientFailureOnTheLastAllowedDeliveryIsDeadLetteredByTheWorker(int delivery) {
        Decision decision = Decision.of(RETRY, delivery, LIMIT);

        assertThat(decision).isEqualTo(Decision.DEAD_LETTER);
        // accepted: releasing it now would let the broker archive it without a trace
        assertThat(decision.acknowledgement()).isEqualTo(AcknowledgeType.ACCEPT);
    }

    @ParameterizedTest(name = "delivery {0} of 5: {1}")
    @CsvSource({"1, RETRY", "4, RETRY", "5, DEAD_LETTER", "7, DEAD_LETTER"})
    void aTaskGivenBackUnrunIsDeadLetteredOnItsLastDeliveryNotLeftToTheBrokerToArchive(
            int delivery, Decision expected) {
        assertThat(Decision.giveBack(delivery, LIMIT)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "delivery {0} of 5 after {1} worker death(s): not run = {2}")
    @CsvSource({"1, 1, false", "4, 1, false", "5, 0, false", "5, 1, true", "6, 3, true"})
    void aTaskWhoseWorkerDiedIsNotRiskedOnItsLastDeliveryWhereAnotherDeathWouldEndItSilently(
            int delivery, int abandoned, boolean notRun) {
        // the fault suite's poison: legacy slots gave back deliveries 2 to 4, a fresh worker ran the 5th and died
        assertThat(Decision.tooLateToRiskAnotherDeath(delivery, LIMIT, abandoned))
                .isEqualTo(notRun);
    }

    @ParameterizedTest(name = "limit {0}: delivery {1} retries, delivery {0} dead-letters")
    @CsvSource({"2, 1", "3, 2", "10, 9"})
    void lastAllowedDeliveryFollowsTheConfiguredLimit(int limit, int previous) {
        assertThat(Decision.of(RETRY, previous, limit)).isEqualTo(Decision.RETRY);
        assertThat(Decision.of(RETRY, limit, limit)).isEqualTo(Decision.DEAD_LETTER);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 5, 6})
    void aCancelledTaskIsAcceptedOnAnyDeliverySoThatItIsNeverDeliveredAgain(int delivery) {
        Decision decision = Decision.of(new TaskOutcome.Cancelled("cancelled while running"), delivery, LIMIT);

        assertThat(decision).isEqualTo(Decision.CANCEL);
        assertThat(decision.acknowledgement()).isEqualTo(AcknowledgeType.ACCEPT);
    }

    @Test
    void undecodableRecordIsRejected() {
        assertThat(Decision.REJECT.acknowledgement()).isEqualTo(AcknowledgeType.REJECT);
    }

    @Test
    void aSkippedOrQuarantinedTaskIsAcceptedSoThatNoWorkerGetsItAgain() {
        assertThat(Decision.SKIP.acknowledgement()).isEqualTo(AcknowledgeType.ACCEPT);
        assertThat(Decision.QUARANTINE.acknowledgement()).isEqualTo(AcknowledgeType.ACCEPT);
    }

    @Test
    void theOutcomeSetIsClosed() {
        assertThat(Decision.values())
                .containsExactly(
                        Decision.SUCCEED,
                        Decision.FAIL,
                        Decision.RETRY,
                        Decision.DEAD_LETTER,
                        Decision.CANCEL,
                        Decision.REJECT,
                        Decision.SKIP,
                        Decision.QUARANTINE);
        assertThat(TaskOutcome.class.getPermittedSubclasses())
                .containsExactlyInAnyOrder(
                        TaskOutcome.Succeeded.class,
                        TaskOutcome.Failed.class,
                        TaskOutcome.Cancelled.class,
                        TaskOutcome.Retry.class);
    }
}
