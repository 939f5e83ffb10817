package io.ethproofmanager.topology;

import static io.ethproofmanager.topology.BatchFixtures.BATCH;
import static io.ethproofmanager.topology.BatchFixtures.BLOB_URL;
import static io.ethproofmanager.topology.BatchFixtures.POLICY;
import static io.ethproofmanager.topology.BatchFixtures.PROTOCOL;
import static io.ethproofmanager.topology.BatchFixtures.RECORD_TIME;
import static io.ethproofmanager.topology.BatchFixtures.REQUEST_TX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import io.ethproofmanager.schemas.ValidationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BatchStateMachineTest {

    private static final Instant LATER = RECORD_TIME.plusSeconds(60);

    /** Every event kind the machine receives, by the name the table uses ("-x" is the reorg retraction of "x"). */
    private static final Map<String, BatchEvent> EVENTS = Map.ofEntries(
            Map.entry("ready", new BatchEvent.Ready(BatchFixtures.readiness(BATCH))),
            Map.entry("submitted", onChain(BatchFixtures.submitted(BATCH))),
            Map.entry("submitted_to_none", onChain(BatchFixtures.submittedToNone(BATCH))),
            Map.entry("acknowledged", onChain(BatchFixtures.acknowledged(BATCH))),
            Map.entry("refused", onChain(BatchFixtures.refused(BATCH))),
            Map.entry("proven", onChain(BatchFixtures.proven(BATCH))),
            Map.entry("validated", onChain(BatchFixtures.validated(BATCH))),
            Map.entry("invalidated", onChain(BatchFixtures.invalidated(BATCH))),
            Map.entry("verdict", new BatchEvent.Verdict(BatchFixtures.verdict(BATCH, true))),
            Map.entry("invalid_verdict", new BatchEvent.Verdict(BatchFixtures.verdict(BATCH, false))),
            Map.entry("-submitted", onChain(BatchFixtures.retraction(BatchFixtures.submitted(BATCH)))),
            Map.entry("-acknowledged", onChain(BatchFixtures.retraction(BatchFixtures.acknowledged(BATCH)))),
            Map.entry("-refused", onChain(BatchFixtures.retraction(BatchFixtures.refused(BATCH)))),
            Map.entry("-proven", onChain(BatchFixtures.retraction(BatchFixtures.proven(BATCH)))),
            Map.entry("-validated", onChain(BatchFixtures.retraction(BatchFixtures.validated(BATCH)))),
            Map.entry("mined", txResult(L1TransactionResult.Outcome.MINED)),
            Map.entry("already_on_chain", txResult(L1TransactionResult.Outcome.ALREADY_ON_CHAIN)),
            Map.entry("reverted", txResult(L1TransactionResult.Outcome.REVERTED)),
            Map.entry("held_fee_cap", txResult(L1TransactionResult.Outcome.HELD_FEE_CAP)),
            Map.entry("unknown", txResult(L1TransactionResult.Outcome.UNKNOWN)),
            Map.entry("expired", txResult(L1TransactionResult.Outcome.EXPIRED)),
            Map.entry("mined_refused", txResult(BatchFixtures.requestRefusedAtSubmission(BATCH))),
            Map.entry("validation_mined", txResult(BatchFixtures.validationResult(BATCH, L1TransactionResult.Outcome.MINED))));

    /** The seeds: a batch's state after these events (none: the batch is unknown), one per status events alone reach. */
    private static final Map<String, List<String>> SEEDS = Map.of(
            "ready", List.of("ready"),
            "sent", List.of("ready", "submitted"),
            "acked", List.of("ready", "submitted", "acknowledged"),
            "refused", List.of("ready", "submitted", "refused"),
            "received", List.of("ready", "submitted", "acknowledged", "proven", "verdict"));

    /**
     * Seed × event → outcome, and {@code >status} when a new record with that status is published (no {@code >}: the
     * record stays as it was). A fallen-back batch (seed refused) stays fallen_back whatever comes.
     */
    private static final String TABLE = """
            event             | none                           | ready                           | sent                            | acked                           | refused                        | received
            ready             | BATCH_READY>ready_to_be_proven | DUPLICATE_READINESS             | DUPLICATE_READINESS             | DUPLICATE_READINESS             | DUPLICATE_READINESS            | DUPLICATE_READINESS
            submitted         | UNKNOWN_BATCH                  | REQUEST_SENT>request_sent_to_l1 | DUPLICATE_EVENT                 | DUPLICATE_EVENT                 | DUPLICATE_EVENT                | DUPLICATE_EVENT
            submitted_to_none | UNKNOWN_BATCH                  | FELL_BACK>fallen_back           | FELL_BACK>fallen_back           | FELL_BACK>fallen_back           | LATE_AFTER_FALLBACK            | FELL_BACK>fallen_back
            acknowledged      | UNKNOWN_BATCH                  | ACKNOWLEDGED>acknowledged       | ACKNOWLEDGED>acknowledged       | DUPLICATE_EVENT                 | LATE_AFTER_FALLBACK            | DUPLICATE_EVENT
            refused           | UNKNOWN_BATCH                  | REFUSED>fallen_back             | REFUSED>fallen_back             | REFUSED>fallen_back             | DUPLICATE_EVENT                | REFUSED>fallen_back
            proven            | UNKNOWN_BATCH                  | EVENT_RECORDED                  | EVENT_RECORDED                  | EVENT_RECORDED                  | LATE_AFTER_FALLBACK            | DUPLICATE_EVENT
            validated         | UNKNOWN_BATCH                  | VALIDATION_SENT>validation_result_sent_to_l1 | VALIDATION_SENT>validation_result_sent_to_l1 | VALIDATION_SENT>validation_result_sent_to_l1 | LATE_AFTER_FALLBACK>fallen_back | VALIDATION_SENT>validation_result_sent_to_l1
            invalidated       | UNKNOWN_BATCH                  | FELL_BACK>fallen_back           | FELL_BACK>fallen_back           | FELL_BACK>fallen_back           | LATE_AFTER_FALLBACK>fallen_back | FELL_BACK>fallen_back
            verdict           | UNKNOWN_BATCH                  | PROOF_RECEIVED>received_proof   | PROOF_RECEIVED>received_proof   | PROOF_RECEIVED>received_proof   | LATE_PROOF_ANSWERED>fallen_back | DUPLICATE_EVENT
            invalid_verdict   | UNKNOWN_BATCH                  | PROOF_RECEIVED>received_proof   | PROOF_RECEIVED>received_proof   | PROOF_RECEIVED>received_proof   | LATE_PROOF_ANSWERED>fallen_back | SECOND_VERDICT
            -submitted        | UNKNOWN_BATCH                  | UNKNOWN_RETRACTION              | RETRACTED>ready_to_be_proven    | RETRACTED>acknowledged          | RETRACTED>fallen_back          | RETRACTED>received_proof
            -acknowledged     | UNKNOWN_BATCH                  | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION              | RETRACTED>request_sent_to_l1    | UNKNOWN_RETRACTION             | RETRACTED>received_proof
            -refused          | UNKNOWN_BATCH                  | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION              | RETRACTED>fallen_back          | UNKNOWN_RETRACTION
            -proven           | UNKNOWN_BATCH                  | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION             | RETRACTED
            -validated        | UNKNOWN_BATCH                  | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION              | UNKNOWN_RETRACTION             | UNKNOWN_RETRACTION
            mined             | UNKNOWN_BATCH                  | REQUEST_SENT>request_sent_to_l1 | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | LATE_AFTER_FALLBACK            | TX_RESULT_RECORDED
            already_on_chain  | UNKNOWN_BATCH                  | REQUEST_SENT>request_sent_to_l1 | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | LATE_AFTER_FALLBACK            | TX_RESULT_RECORDED
            reverted          | UNKNOWN_BATCH                  | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | LATE_AFTER_FALLBACK            | TX_RESULT_RECORDED
            held_fee_cap      | UNKNOWN_BATCH                  | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | LATE_AFTER_FALLBACK            | TX_RESULT_RECORDED
            unknown           | UNKNOWN_BATCH                  | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | LATE_AFTER_FALLBACK            | TX_RESULT_RECORDED
            expired           | UNKNOWN_BATCH                  | FELL_BACK>fallen_back           | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | LATE_AFTER_FALLBACK            | TX_RESULT_RECORDED
            mined_refused     | UNKNOWN_BATCH                  | FELL_BACK>fallen_back           | FELL_BACK>fallen_back           | FELL_BACK>fallen_back           | LATE_AFTER_FALLBACK            | FELL_BACK>fallen_back
            validation_mined  | UNKNOWN_BATCH                  | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | TX_RESULT_RECORDED              | LATE_AFTER_FALLBACK            | VALIDATION_SENT>validation_result_sent_to_l1
            """;

    static Stream<Arguments> transitions() {
        final List<String[]> rows = TABLE.lines().map(line -> Arrays.stream(line.split("\\|")).map(String::strip).toArray(String[]::new)).toList();
        final String[] seeds = rows.get(0);
        final List<Arguments> cases = new ArrayList<>();
        for (final String[] row : rows.subList(1, rows.size())) {
            for (int column = 1; column < row.length; column++) {
                cases.add(Arguments.of(seeds[column], row[0], row[column]));
            }
        }
        return cases.stream();
    }

    @Test
    void tableCoversEveryEventKindAndSeed() {
        final List<String> tabled = TABLE.lines().skip(1).map(line -> line.split("\\|")[0].strip()).toList();

        assertThat(tabled).containsExactlyInAnyOrderElementsOf(EVENTS.keySet());
        assertThat(transitions()).hasSize(EVENTS.size() * (SEEDS.size() + 1));
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("transitions")
    void eventOnSeededBatchGivesTheTabledOutcome(final String seed, final String event, final String expected) {
        final Optional<BatchState> current = seed.equals("none") ? Optional.empty() : Optional.of(stateAfter(SEEDS.get(seed)));
        final Outcome expectedOutcome = Outcome.valueOf(expected.split(">")[0]);
        final Optional<BatchStatus> expectedStatus = expected.contains(">")
                ? Optional.of(BatchStatus.fromWireName(expected.split(">")[1]))
                : Optional.empty();

        final Transition transition = BatchStateMachine.apply(current, EVENTS.get(event), LATER, POLICY);

        assertThat(transition.outcome()).isEqualTo(expectedOutcome);
        assertThat(transition.next().map(BatchStatusRecord::status)).isEqualTo(expectedStatus);
        transition.next().ifPresent(next -> assertThat(next.version())
                .isEqualTo(current.map(state -> state.lastPublished().version() + 1).orElse(1L)));
        assertThat(transition.state().isPresent()).as("state stored").isEqualTo(changesState(expectedOutcome));
        assertThat(transition.commands()).hasSize(List.of(Outcome.PROOF_RECEIVED, Outcome.LATE_PROOF_ANSWERED).contains(expectedOutcome) ? 1 : 0);
        assertThat(transition.fallback().isPresent()).as("fallback record")
                .isEqualTo(List.of(Outcome.REFUSED, Outcome.FELL_BACK).contains(expectedOutcome));
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
        assertThat(transition.state()).hasValueSatisfying(state -> {
            assertThat(state.readiness()).isEqualTo(BatchFixtures.readiness(BATCH));
            assertThat(state.lastPublished()).isEqualTo(transition.next().orElseThrow());
        });
    }

    @Test
    void readyBatchAsksForItsProofRequestAtTheFirstChainTimeWithThePublicUrlPolicyAndDeadline() {
        final Transition ready = BatchStateMachine.apply(
                Optional.empty(), new BatchEvent.Ready(BatchFixtures.readiness(BATCH)), RECORD_TIME, POLICY);
        final Instant chainTime = RECORD_TIME.plusSeconds(3);

        final Transition issued = BatchStateMachine.deadlines(ready.state().orElseThrow(), chainTime, DeadlinePolicy.defaults(), POLICY);

        assertThat(ready.commands()).as("not before the chain time is known").isEmpty();
        assertThat(issued.commands()).containsExactly(new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(BATCH), BATCH.chainId(), BATCH.batchNumber(), BLOB_URL, PROTOCOL,
                4_800L, 4_000_000L, chainTime, chainTime.plus(Duration.ofMinutes(10))));
    }

    @Test
    void submittedRequestIsSentWithItsTransactionHashAtTheEventTime() {
        final BatchStatusRecord record = lastPublished("ready", "submitted");

        assertThat(record.status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
        assertThat(record.sentProofRequestTxHash()).isEqualTo(REQUEST_TX);
        assertThat(record.version()).isEqualTo(2L);
        assertThat(record.createdAt()).isEqualTo(RECORD_TIME);
        assertThat(record.updatedAt()).isEqualTo(LATER);
    }

    @Test
    void minedResultGivesTheTransactionHashBeforeTheLogIsSeenAndKeepsItAfter() {
        final String minedTx = BatchFixtures.hash("99");
        final BatchState mined = stateAfter(List.of("ready"), txResult(withTxHash(minedTx)));
        final Transition withLog = BatchStateMachine.apply(Optional.of(mined), EVENTS.get("submitted"), LATER, POLICY);

        assertThat(mined.lastPublished().status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
        assertThat(mined.lastPublished().sentProofRequestTxHash()).isEqualTo(minedTx);
        assertThat(withLog.outcome()).isEqualTo(Outcome.EVENT_RECORDED);
        assertThat(withLog.next()).isEmpty();
    }

    @Test
    void acceptedAcknowledgementAssignsTheNetwork() {
        final BatchStatusRecord record = lastPublished("ready", "submitted", "acknowledged");

        assertThat(record.status()).isEqualTo(BatchStatus.ACKNOWLEDGED);
        assertThat(record.assignedNetwork()).contains(ProvingNetwork.LAGRANGE);
        assertThat(record.sentProofRequestTxHash()).isEqualTo(REQUEST_TX);
        assertThat(record.fallbackReason()).isNull();
    }

    @Test
    void refusedRequestFallsBackWithTheRefusingNetworkAsReason() {
        final BatchStatusRecord record = lastPublished("ready", "submitted", "refused");

        assertThat(record.status()).isEqualTo(BatchStatus.FALLEN_BACK);
        assertThat(record.fallbackReason()).isEqualTo("refused: lagrange refused the request");
    }

    @Test
    void acknowledgementBeforeItsRequestStillEndsAcknowledgedWithTheSameRecord() {
        final BatchStatusRecord inOrder = lastPublished("ready", "submitted", "acknowledged");
        final BatchState acknowledgedFirst = stateAfter(List.of("ready", "acknowledged"));
        final Transition submittedLast = BatchStateMachine.apply(Optional.of(acknowledgedFirst), EVENTS.get("submitted"), LATER, POLICY);

        assertThat(acknowledgedFirst.lastPublished().status()).isEqualTo(BatchStatus.ACKNOWLEDGED);
        assertThat(submittedLast.outcome()).isEqualTo(Outcome.REQUEST_SENT);
        assertThat(submittedLast.next()).contains(inOrder);
    }

    @Test
    void sameEventTwiceChangesTheBatchOnce() {
        final BatchState once = stateAfter(List.of("ready", "acknowledged"));

        final Transition twice = BatchStateMachine.apply(Optional.of(once), EVENTS.get("acknowledged"), LATER, POLICY);

        assertThat(once.lastPublished().version()).isEqualTo(2L);
        assertThat(twice).isEqualTo(Transition.unchanged(Outcome.DUPLICATE_EVENT));
    }

    @Test
    void retractedAcknowledgementGoesBackToRequestSentAndTheReminedOneAcknowledgesAgain() {
        final BatchState acknowledged = stateAfter(List.of("ready", "submitted", "acknowledged"));
        final L1Event.ProofRequestAcknowledged remined =
                BatchFixtures.remined(BatchFixtures.acknowledged(BATCH), 1_002L, BatchFixtures.hash("b1"));

        final Transition retracted = BatchStateMachine.apply(
                Optional.of(acknowledged), EVENTS.get("-acknowledged"), LATER, POLICY);
        final Transition reacknowledged = BatchStateMachine.apply(retracted.state(), onChain(remined), LATER.plusSeconds(12), POLICY);

        assertThat(retracted.outcome()).isEqualTo(Outcome.RETRACTED);
        assertThat(retracted.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
            assertThat(next.version()).isEqualTo(4L);
            assertThat(next.assignedNetwork()).isEmpty();
            assertThat(next.sentProofRequestTxHash()).isEqualTo(REQUEST_TX);
        });
        assertThat(reacknowledged.outcome()).isEqualTo(Outcome.ACKNOWLEDGED);
        assertThat(reacknowledged.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.ACKNOWLEDGED);
            assertThat(next.version()).isEqualTo(5L);
            assertThat(next.assignedNetwork()).contains(ProvingNetwork.LAGRANGE);
        });
        assertThat(reacknowledged.state().orElseThrow().liveEvents()).containsExactly(BatchFixtures.submitted(BATCH), remined);
    }

    @Test
    void retractionOfTheOldBlockAfterTheReminedLogArrivedKeepsTheReminedLog() {
        final L1Event.ProofRequestAcknowledged remined =
                BatchFixtures.remined(BatchFixtures.acknowledged(BATCH), 1_002L, BatchFixtures.hash("b1"));
        final BatchState both = stateAfter(List.of("ready", "submitted", "acknowledged"), onChain(remined));

        final Transition retracted = BatchStateMachine.apply(Optional.of(both), EVENTS.get("-acknowledged"), LATER, POLICY);

        assertThat(retracted.outcome()).isEqualTo(Outcome.RETRACTED);
        assertThat(retracted.next()).isEmpty();
        assertThat(retracted.state().orElseThrow().liveEvents()).containsExactly(BatchFixtures.submitted(BATCH), remined);
    }

    @Test
    void retractedRequestGoesBackToReadyWithoutAnotherProofRequest() {
        final Transition retracted = BatchStateMachine.apply(
                Optional.of(stateAfter(List.of("ready", "submitted"))), EVENTS.get("-submitted"), LATER, POLICY);

        assertThat(retracted.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.READY_TO_BE_PROVEN);
            assertThat(next.version()).isEqualTo(3L);
            assertThat(next.sentProofRequestTxHash()).isNull();
        });
        assertThat(retracted.commands()).isEmpty();
    }

    @Test
    void retractedRequestLogWithAMinedTransactionStaysRequestSent() {
        final Transition retracted = BatchStateMachine.apply(
                Optional.of(stateAfter(List.of("ready", "mined", "submitted"))), EVENTS.get("-submitted"), LATER, POLICY);

        assertThat(retracted.outcome()).isEqualTo(Outcome.RETRACTED);
        assertThat(retracted.next()).isEmpty();
        assertThat(retracted.state().orElseThrow().lastPublished().status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
    }

    @Test
    void revertedDuplicatedProofRequestLeavesTheBatchReadyAndIsKept() {
        final L1TransactionResult reverted = BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.REVERTED);

        final Transition transition = BatchStateMachine.apply(
                Optional.of(stateAfter(List.of("ready"))), new BatchEvent.TxResult(reverted), LATER, POLICY);

        assertThat(transition.outcome()).isEqualTo(Outcome.TX_RESULT_RECORDED);
        assertThat(transition.next()).isEmpty();
        assertThat(transition.state()).hasValueSatisfying(state -> {
            assertThat(state.lastPublished().status()).isEqualTo(BatchStatus.READY_TO_BE_PROVEN);
            assertThat(state.txResults()).containsExactly(Map.entry(SubmitProofRequest.commandIdFor(BATCH), reverted));
        });
    }

    @Test
    void laterResultOfTheSameCommandReplacesTheEarlierOne() {
        final BatchState unknownThenMined = stateAfter(List.of("ready", "unknown", "mined"));

        assertThat(unknownThenMined.txResults().values()).extracting(L1TransactionResult::outcome)
                .containsExactly(L1TransactionResult.Outcome.MINED);
        assertThat(unknownThenMined.lastPublished().status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
    }

    @Test
    void provenEventIsKeptWithoutChangingTheStatusUntilItsVerdict() {
        final BatchState proven = stateAfter(List.of("ready", "submitted", "acknowledged", "proven"));

        assertThat(proven.lastPublished().status()).isEqualTo(BatchStatus.ACKNOWLEDGED);
        assertThat(proven.lastPublished().version()).isEqualTo(3L);
        assertThat(proven.liveEvents()).containsExactly(BatchFixtures.submitted(BATCH), BatchFixtures.acknowledged(BATCH),
                BatchFixtures.proven(BATCH).withoutProof());
        assertThat(proven.live(L1Event.ProofRequestProven.class).getFirst().proofSize())
                .as("the state keeps the proof's size, not its bytes").isEqualTo(BatchFixtures.proven(BATCH).proofSize());
    }

    @Test
    void verdictMovesTheBatchToReceivedProofAndAsksForOneValidationResult() {
        final Transition received = BatchStateMachine.apply(Optional.of(stateAfter(List.of("ready", "submitted", "acknowledged", "proven"))),
                EVENTS.get("invalid_verdict"), LATER, POLICY);

        assertThat(received.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.RECEIVED_PROOF);
            assertThat(next.proofBlobUrl()).isEqualTo(BatchFixtures.PROOF_BLOB_URL);
            assertThat(next.assignedNetwork()).contains(ProvingNetwork.LAGRANGE);
            assertThat(next.validation()).isEmpty();
        });
        assertThat(received.commands()).containsExactly(new SubmitProofValidationResult(
                SubmitProofValidationResult.commandIdFor(BATCH), BATCH.chainId(), BATCH.batchNumber(), false, LATER));
        assertThat(received.fallback()).isEmpty();
    }

    @Test
    void minedValidationResultOfAValidProofIsSentSuccessfulWithItsHash() {
        final BatchStatusRecord record = lastPublished("ready", "submitted", "acknowledged", "proven", "verdict", "validation_mined");

        assertThat(record.status()).isEqualTo(BatchStatus.VALIDATION_RESULT_SENT_TO_L1);
        assertThat(record.validation()).contains(ValidationStatus.SUCCESSFUL);
        assertThat(record.sentProofValidationResultTxHash()).isEqualTo(BatchFixtures.VALIDATION_TX);
        assertThat(record.proofBlobUrl()).isEqualTo(BatchFixtures.PROOF_BLOB_URL);
        assertThat(record.fallbackReason()).isNull();
    }

    @Test
    void validationResultAlreadyOnChainCountsAsSent() {
        final BatchState received = stateAfter(List.of("ready", "submitted", "acknowledged", "proven", "verdict"));

        final Transition sent = BatchStateMachine.apply(Optional.of(received),
                txResult(BatchFixtures.validationResult(BATCH, L1TransactionResult.Outcome.ALREADY_ON_CHAIN)), LATER, POLICY);

        assertThat(sent.outcome()).isEqualTo(Outcome.VALIDATION_SENT);
        assertThat(sent.next().map(BatchStatusRecord::status)).contains(BatchStatus.VALIDATION_RESULT_SENT_TO_L1);
    }

    @Test
    void invalidProofFallsBackOnceItsValidationResultIsOnL1WithOneFallbackRecord() {
        final BatchState received = stateAfter(List.of("ready", "submitted", "acknowledged", "proven", "invalid_verdict"));

        final Transition invalid = BatchStateMachine.apply(Optional.of(received),
                txResult(BatchFixtures.validationResult(BATCH, L1TransactionResult.Outcome.MINED)), LATER, POLICY);
        final Transition eventToo = BatchStateMachine.apply(invalid.state(), EVENTS.get("invalidated"), LATER, POLICY);

        assertThat(invalid.outcome()).isEqualTo(Outcome.FELL_BACK);
        assertThat(invalid.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.FALLEN_BACK);
            assertThat(next.validation()).contains(ValidationStatus.FAILED);
            assertThat(next.sentProofValidationResultTxHash()).isEqualTo(BatchFixtures.VALIDATION_TX);
            assertThat(next.fallbackReason()).isEqualTo("invalid_proof: the proof of lagrange is invalid: verifier rejected the SNARK");
        });
        assertThat(invalid.fallback()).contains(new FallbackRecord(BATCH.chainId(), BATCH.batchNumber(), FallbackReason.INVALID_PROOF,
                "the proof of lagrange is invalid: verifier rejected the SNARK", ProvingNetwork.LAGRANGE, BLOB_URL, PROTOCOL, LATER));
        assertThat(invalid.commands()).isEmpty();
        assertThat(eventToo.outcome()).isEqualTo(Outcome.LATE_AFTER_FALLBACK);
        assertThat(eventToo.fallback()).isEmpty();
    }

    @Test
    void refusalFallsBackWithReasonRefusedAndTheRefusingNetwork() {
        final Transition refused = BatchStateMachine.apply(
                Optional.of(stateAfter(List.of("ready", "submitted"))), EVENTS.get("refused"), LATER, POLICY);

        assertThat(refused.fallback()).contains(new FallbackRecord(BATCH.chainId(), BATCH.batchNumber(), FallbackReason.REFUSED,
                "lagrange refused the request", ProvingNetwork.LAGRANGE, BLOB_URL, PROTOCOL, LATER));
    }

    @Test
    void requestAssignedToNoneFallsBackAtOnceAsRefusedAtSubmission() {
        final Transition refused = BatchStateMachine.apply(
                Optional.of(stateAfter(List.of("ready"))), EVENTS.get("submitted_to_none"), LATER, POLICY);

        assertThat(refused.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.FALLEN_BACK);
            assertThat(next.sentProofRequestTxHash()).isEqualTo(REQUEST_TX);
            assertThat(next.fallbackReason())
                    .isEqualTo("refused_at_submission: the contract assigned the request to no proving network");
        });
        assertThat(refused.fallback()).hasValueSatisfying(fallback -> {
            assertThat(fallback.reason()).isEqualTo(FallbackReason.REFUSED_AT_SUBMISSION);
            assertThat(fallback.assignedTo()).isEqualTo(ProvingNetwork.NONE);
            assertThat(fallback.at()).isEqualTo(LATER);
        });
    }

    @Test
    void requestStoredRefusedOnChainFallsBackAtOnceAsRefusedAtSubmission() {
        final Transition refused = BatchStateMachine.apply(
                Optional.of(stateAfter(List.of("ready"))), EVENTS.get("mined_refused"), LATER, POLICY);

        assertThat(refused.next().map(BatchStatusRecord::status)).contains(BatchStatus.FALLEN_BACK);
        assertThat(refused.fallback()).hasValueSatisfying(fallback -> {
            assertThat(fallback.reason()).isEqualTo(FallbackReason.REFUSED_AT_SUBMISSION);
            assertThat(fallback.assignedTo()).isNull();
            assertThat(fallback.proofGenDataBlobUrl()).isEqualTo(BLOB_URL);
            assertThat(fallback.protocolVersion()).isEqualTo(PROTOCOL);
        });
    }

    @Test
    void verdictAfterAFallbackIsKeptAndStillAnsweredOnL1WithoutMovingTheStatus() {
        final Transition late = BatchStateMachine.apply(
                Optional.of(stateAfter(List.of("ready", "submitted", "refused"))), EVENTS.get("verdict"), LATER, POLICY);

        assertThat(late.outcome()).isEqualTo(Outcome.LATE_PROOF_ANSWERED);
        assertThat(late.next()).hasValueSatisfying(next -> {
            assertThat(next.status()).isEqualTo(BatchStatus.FALLEN_BACK);
            assertThat(next.proofBlobUrl()).isEqualTo(BatchFixtures.PROOF_BLOB_URL);
            assertThat(next.fallbackReason()).isEqualTo("refused: lagrange refused the request");
        });
        assertThat(late.commands()).containsExactly(new SubmitProofValidationResult(SubmitProofValidationResult.commandIdFor(BATCH),
                BATCH.chainId(), BATCH.batchNumber(), true, LATER));
        assertThat(late.fallback()).isEmpty();
    }

    @Test
    void eventsForAnUnknownBatchStoreAndPublishNothing() {
        for (final String event : List.of("acknowledged", "-submitted", "mined")) {
            assertThat(BatchStateMachine.apply(Optional.empty(), EVENTS.get(event), LATER, POLICY))
                    .isEqualTo(Transition.unchanged(Outcome.UNKNOWN_BATCH));
        }
    }

    @Test
    void eventOfAnotherBatchIsRefused() {
        final BatchEvent otherBatch = new BatchEvent.Ready(BatchFixtures.readiness(new BatchId(271L, 43L)));
        final Optional<BatchState> current = Optional.of(stateAfter(List.of("ready")));

        assertThatThrownBy(() -> BatchStateMachine.apply(current, otherBatch, RECORD_TIME, POLICY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("271:43");
    }

    @Test
    void policyAcceptsTheContractBounds() {
        assertThat(new ProofRequestPolicy(Duration.ofSeconds(121), 4_000_000L).timeoutAfter()).hasSeconds(121);
        assertThat(new ProofRequestPolicy(Duration.ofSeconds(600), 1L).maxRewardMicroUsdc()).isEqualTo(1L);
        assertThat(new ProofRequestPolicy(Duration.ofHours(2), 5_000_000L).maxRewardMicroUsdc()).isEqualTo(5_000_000L);
    }

    @Test
    void policyRefusesWhatTheContractWouldRevert() {
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofSeconds(120), 4_000_000L)).hasMessageContaining("timeoutAfter");
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofSeconds(7_201), 4_000_000L)).hasMessageContaining("timeoutAfter");
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofMillis(150_500), 4_000_000L)).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofSeconds(600), 0L)).hasMessageContaining("maxReward");
        assertThatThrownBy(() -> new ProofRequestPolicy(Duration.ofSeconds(600), 5_000_001L)).hasMessageContaining("maxReward");
    }

    /** Outcomes after which the batch's state is unchanged, so nothing is stored. */
    private static boolean changesState(final Outcome outcome) {
        return !List.of(Outcome.UNKNOWN_BATCH, Outcome.DUPLICATE_READINESS, Outcome.DUPLICATE_EVENT, Outcome.UNKNOWN_RETRACTION,
                Outcome.SECOND_VERDICT).contains(outcome);
    }

    /** The state after the named events, the first at {@code RECORD_TIME} and the others at {@code LATER}. */
    private static BatchState stateAfter(final List<String> events, final BatchEvent... more) {
        final List<BatchEvent> all = new ArrayList<>(events.stream().map(EVENTS::get).toList());
        all.addAll(List.of(more));
        Optional<BatchState> state = Optional.empty();
        for (final BatchEvent event : all) {
            final Transition transition = BatchStateMachine.apply(state, event, state.isEmpty() ? RECORD_TIME : LATER, POLICY);
            final Optional<BatchState> before = state;
            state = transition.state().or(() -> before);
        }
        return state.orElseThrow();
    }

    private static BatchStatusRecord lastPublished(final String... events) {
        return stateAfter(List.of(events)).lastPublished();
    }

    private static BatchEvent onChain(final L1Event event) {
        return new BatchEvent.OnChain(event);
    }

    private static BatchEvent txResult(final L1TransactionResult.Outcome outcome) {
        return txResult(BatchFixtures.requestResult(BATCH, outcome));
    }

    private static BatchEvent txResult(final L1TransactionResult result) {
        return new BatchEvent.TxResult(result);
    }

    private static L1TransactionResult withTxHash(final String txHash) {
        final L1TransactionResult mined = BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.MINED);
        return new L1TransactionResult(mined.commandId(), mined.chainId(), mined.batchNumber(), mined.kind(), mined.outcome(),
                txHash, mined.blockNumber(), null, null, mined.at());
    }
}
