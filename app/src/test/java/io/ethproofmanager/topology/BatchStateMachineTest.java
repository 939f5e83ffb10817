package io.ethproofmanager.topology;

import static io.ethproofmanager.topology.BatchFixtures.BATCH;
import static io.ethproofmanager.topology.BatchFixtures.BLOB_URL;
import static io.ethproofmanager.topology.BatchFixtures.POLICY;
import static io.ethproofmanager.topology.BatchFixtures.PROTOCOL;
import static io.ethproofmanager.topology.BatchFixtures.RECORD_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.SubmitProofRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BatchStateMachineTest {

    /** Every event kind the machine receives: readiness, then each contract event. */
    private static List<BatchEvent> everyEventKind() {
        final List<BatchEvent> events = new ArrayList<>();
        events.add(new BatchEvent.Ready(BatchFixtures.readiness(BATCH)));
        BatchFixtures.everyL1EventKind(BATCH).forEach(event -> events.add(new BatchEvent.OnChain(event)));
        return events;
    }

    /** The table: (current status or none) × event kind → outcome, whether the state changes, how many commands. */
    static Stream<Arguments> transitions() {
        final Stream<Arguments> withoutState = everyEventKind().stream().map(event -> event instanceof BatchEvent.Ready
                ? Arguments.of(Optional.empty(), event, Outcome.BATCH_READY, true, 1)
                : Arguments.of(Optional.empty(), event, Outcome.UNKNOWN_BATCH, false, 0));
        final Stream<Arguments> withState = Stream.of(BatchStatus.values()).flatMap(status -> everyEventKind().stream()
                .map(event -> event instanceof BatchEvent.Ready
                        ? Arguments.of(Optional.of(status), event, Outcome.DUPLICATE_READINESS, false, 0)
                        : Arguments.of(Optional.of(status), event, Outcome.IGNORED_EVENT, false, 0)));
        return Stream.concat(withoutState, withState);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("transitions")
    void eventOnBatchInStatusGivesTheTabledOutcome(
            final Optional<BatchStatus> status,
            final BatchEvent event,
            final Outcome expectedOutcome,
            final boolean expectChange,
            final int expectedCommands) {
        final Optional<BatchStatusRecord> current = status.map(BatchFixtures::recordWithStatus);

        final Transition transition = BatchStateMachine.apply(current, event, RECORD_TIME, POLICY);

        assertThat(transition.outcome()).isEqualTo(expectedOutcome);
        assertThat(transition.next().isPresent()).isEqualTo(expectChange);
        assertThat(transition.commands()).hasSize(expectedCommands);
    }

    @Test
    void readyBatchBecomesReadyToBeProvenAtTheEventTime() {
        final Transition transition = BatchStateMachine.apply(
                Optional.empty(), new BatchEvent.Ready(BatchFixtures.readiness(BATCH)), RECORD_TIME, POLICY);

        assertThat(transition.next()).hasValueSatisfying(next -> {
            assertThat(next.batchId()).isEqualTo(BATCH);
            assertThat(next.status()).isEqualTo(BatchStatus.READY_TO_BE_PROVEN);
            assertThat(next.version()).isEqualTo(1L);
            assertThat(next.proofGenDataBlobUrl()).isEqualTo(BLOB_URL);
            assertThat(next.protocolVersion()).isEqualTo(PROTOCOL);
            assertThat(next.createdAt()).isEqualTo(RECORD_TIME);
            assertThat(next.updatedAt()).isEqualTo(RECORD_TIME);
            assertThat(next.assignedNetwork()).isEmpty();
            assertThat(next.validation()).isEmpty();
        });
    }

    @Test
    void readyBatchAsksForOneProofRequestWithThePublicUrlAndPolicy() {
        final Transition transition = BatchStateMachine.apply(
                Optional.empty(), new BatchEvent.Ready(BatchFixtures.readiness(BATCH)), RECORD_TIME, POLICY);

        assertThat(transition.commands()).containsExactly(new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(BATCH), BATCH.chainId(), BATCH.batchNumber(), BLOB_URL, PROTOCOL,
                4_800L, 4_000_000L, RECORD_TIME));
    }

    @Test
    void eventOfAnotherBatchIsRefused() {
        final BatchEvent otherBatch = new BatchEvent.Ready(BatchFixtures.readiness(new BatchId(271L, 43L)));
        final Optional<BatchStatusRecord> current = Optional.of(BatchFixtures.recordWithStatus(BatchStatus.ACKNOWLEDGED));

        assertThatThrownBy(() -> BatchStateMachine.apply(current, otherBatch, RECORD_TIME, POLICY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("271:43");
    }

    @Test
    void policyAcceptsTheContractBounds() {
        assertThat(new ProofRequestPolicy(Duration.ofSeconds(121), 1_000_000L).timeoutAfter()).hasSeconds(121);
        assertThat(new ProofRequestPolicy(Duration.ofHours(2), 5_000_000L).maxRewardMicroUsdc()).isEqualTo(5_000_000L);
    }

    @Test
    void policyRefusesWhatTheContractWouldRevert() {
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofSeconds(120), 4_000_000L)).hasMessageContaining("timeoutAfter");
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofSeconds(7_201), 4_000_000L)).hasMessageContaining("timeoutAfter");
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofMillis(150_500), 4_000_000L)).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofSeconds(600), 999_999L)).hasMessageContaining("maxReward");
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofSeconds(600), 5_000_001L)).hasMessageContaining("maxReward");
    }
}
