package io.ethproofmanager.topology;

import static io.ethproofmanager.topology.BatchFixtures.BATCH;
import static io.ethproofmanager.topology.BatchFixtures.POLICY;
import static io.ethproofmanager.topology.BatchFixtures.RECORD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ValidationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The sender's own transaction reorganised out of the chain ({@code reorged_out} result): it takes back what the command's
 * {@code mined} result stood for, issues no command, and the command's next {@code mined} result moves the batch on again.
 */
class OwnTransactionReorgTest {

    private static final String RESENT_TX = BatchFixtures.hash("77");

    private Instant clock = RECORD_TIME;
    private BatchState state;
    private final List<BatchStatusRecord> published = new ArrayList<>();
    private final List<Object> commands = new ArrayList<>();

    @Test
    void aReorgedOutRequestGoesBackToReadyWithoutAnotherRequestAndItsNextMinedResultSendsItAgain() {
        readyWithRequestIssued();
        apply(new BatchEvent.TxResult(BatchFixtures.requestResult(BATCH, Outcome.MINED)));
        assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);

        final Transition reorged = apply(new BatchEvent.TxResult(reorgedOut(BatchFixtures.requestResult(BATCH, Outcome.MINED))));

        assertThat(reorged.outcome()).isEqualTo(io.ethproofmanager.topology.Outcome.RETRACTED);
        assertThat(reorged.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.READY_TO_BE_PROVEN);
            assertThat(next.sentProofRequestTxHash()).isNull();
        });
        assertThat(BatchStateMachine.deadlines(state, clock.plusSeconds(30), DeadlinePolicy.defaults(), POLICY).commands())
                .as("the sender sends it again itself: no second request command").isEmpty();
        assertThat(BatchStateMachine.nextDeadline(state, DeadlinePolicy.defaults())).isEmpty();

        apply(new BatchEvent.TxResult(mined(BatchFixtures.requestResult(BATCH, Outcome.MINED), RESENT_TX, 1_010L)));

        assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
        assertThat(state.lastPublished().sentProofRequestTxHash()).isEqualTo(RESENT_TX);
        assertThat(published).extracting(BatchStatusRecord::status).containsExactly(BatchStatus.READY_TO_BE_PROVEN,
                BatchStatus.REQUEST_SENT_TO_L1, BatchStatus.READY_TO_BE_PROVEN, BatchStatus.REQUEST_SENT_TO_L1);
        assertThat(published).extracting(BatchStatusRecord::version).as("gapless, increasing also when the status goes back")
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(commands).as("only the first request").hasSize(1);
    }

    @Test
    void aReorgedOutRequestWhoseLogIsStillLiveStaysSentWithTheLogsHash() {
        readyWithRequestIssued();
        apply(new BatchEvent.TxResult(mined(BatchFixtures.requestResult(BATCH, Outcome.MINED), RESENT_TX, 1_000L)));
        apply(new BatchEvent.OnChain(BatchFixtures.submitted(BATCH)));

        apply(new BatchEvent.TxResult(reorgedOut(mined(BatchFixtures.requestResult(BATCH, Outcome.MINED), RESENT_TX, 1_000L))));

        assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
        assertThat(state.lastPublished().sentProofRequestTxHash()).as("the live event's").isEqualTo(BatchFixtures.REQUEST_TX);
        apply(new BatchEvent.OnChain(BatchFixtures.retraction(BatchFixtures.submitted(BATCH))));
        assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.READY_TO_BE_PROVEN);
    }

    @Test
    void aReorgedOutValidationResultGoesBackToReceivedProofWithoutAnotherCommandAndItsNextMinedResultSendsItAgain() {
        readyWithRequestIssued();
        apply(new BatchEvent.OnChain(BatchFixtures.submitted(BATCH)));
        apply(new BatchEvent.OnChain(BatchFixtures.acknowledged(BATCH)));
        apply(new BatchEvent.OnChain(BatchFixtures.proven(BATCH)));
        apply(new BatchEvent.Verdict(BatchFixtures.verdict(BATCH, true)));
        final L1TransactionResult validation = BatchFixtures.validationResult(BATCH, Outcome.MINED);
        apply(new BatchEvent.TxResult(validation));
        assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.VALIDATION_RESULT_SENT_TO_L1);
        final long versionBefore = state.lastPublished().version();

        final Transition reorged = apply(new BatchEvent.TxResult(reorgedOut(validation)));

        assertThat(reorged.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.RECEIVED_PROOF);
            assertThat(next.sentProofValidationResultTxHash()).isNull();
            assertThat(next.validationStatus()).isNull();
            assertThat(next.version()).isEqualTo(versionBefore + 1);
        });
        assertThat(reorged.commands()).isEmpty();

        apply(new BatchEvent.TxResult(mined(validation, RESENT_TX, 1_012L)));

        assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.VALIDATION_RESULT_SENT_TO_L1);
        assertThat(state.lastPublished().sentProofValidationResultTxHash()).isEqualTo(RESENT_TX);
        assertThat(state.lastPublished().validation()).contains(ValidationStatus.SUCCESSFUL);
        assertThat(state.lastPublished().version()).isEqualTo(versionBefore + 2);
        assertThat(commands).as("the request, then one validation result").hasSize(2);
    }

    @Test
    void aReorgedOutResultTwiceChangesTheBatchOnce() {
        readyWithRequestIssued();
        apply(new BatchEvent.TxResult(BatchFixtures.requestResult(BATCH, Outcome.MINED)));
        final L1TransactionResult reorgedOut = reorgedOut(BatchFixtures.requestResult(BATCH, Outcome.MINED));
        apply(new BatchEvent.TxResult(reorgedOut));

        final Transition again = BatchStateMachine.apply(Optional.of(state), new BatchEvent.TxResult(reorgedOut), clock, POLICY);

        assertThat(again.outcome()).isEqualTo(io.ethproofmanager.topology.Outcome.DUPLICATE_EVENT);
        assertThat(again.next()).isEmpty();
    }

    @Test
    void aBatchThatFellBackStaysFallenBackWhenItsRequestIsReorgedOut() {
        readyWithRequestIssued();
        apply(new BatchEvent.TxResult(BatchFixtures.requestResult(BATCH, Outcome.MINED)));
        apply(new BatchEvent.OnChain(BatchFixtures.submitted(BATCH)));
        apply(new BatchEvent.OnChain(BatchFixtures.refused(BATCH)));
        assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.FALLEN_BACK);

        final Transition reorged = apply(new BatchEvent.TxResult(reorgedOut(BatchFixtures.requestResult(BATCH, Outcome.MINED))));

        assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.FALLEN_BACK);
        assertThat(reorged.commands()).isEmpty();
        assertThat(reorged.fallback()).isEmpty();
    }

    /** The batch is ready, and its proof request was issued at the first chain time (the pick-up clock runs). */
    private void readyWithRequestIssued() {
        apply(new BatchEvent.Ready(BatchFixtures.readiness(BATCH)));
        final Transition issued = BatchStateMachine.deadlines(state, clock, DeadlinePolicy.defaults(), POLICY);
        commands.addAll(issued.commands());
        state = issued.state().orElse(state);
        assertThat(commands).hasSize(1);
    }

    private Transition apply(final BatchEvent event) {
        final Transition transition = BatchStateMachine.apply(Optional.ofNullable(state), event, clock, POLICY);
        transition.state().ifPresent(next -> state = next);
        transition.next().ifPresent(published::add);
        commands.addAll(transition.commands());
        clock = clock.plusSeconds(1);
        return transition;
    }

    private static L1TransactionResult reorgedOut(final L1TransactionResult mined) {
        return new L1TransactionResult(mined.commandId(), mined.chainId(), mined.batchNumber(), mined.kind(), Outcome.REORGED_OUT,
                mined.txHash(), mined.blockNumber(), null, "reorged out of block " + mined.blockNumber(), mined.at().plusSeconds(5));
    }

    private static L1TransactionResult mined(final L1TransactionResult result, final String txHash, final long block) {
        return new L1TransactionResult(result.commandId(), result.chainId(), result.batchNumber(), result.kind(), Outcome.MINED,
                txHash, block, null, "mined with status 1", result.at().plusSeconds(10));
    }
}
