package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import java.time.Duration;
import java.time.Instant;

/** Sample batches, readiness events, contract events and transaction results shared by the topology tests. */
final class BatchFixtures {

    static final BatchId BATCH = new BatchId(271L, 42L);
    static final Instant READY_AT = Instant.parse("2026-11-25T10:00:00Z");
    static final Instant RECORD_TIME = Instant.parse("2026-11-25T10:00:05Z");
    static final String BLOB_URL = "https://storage.example.org/proofs/271/42/proof-gen-data.bin";
    static final ProtocolVersion PROTOCOL = new ProtocolVersion(0, 28, 1);
    static final ProofRequestPolicy POLICY = new ProofRequestPolicy(Duration.ofSeconds(4_800), 4_000_000L);
    /** The proof request's transaction: in the Submitted event's log and in the sender's transaction results. */
    static final String REQUEST_TX = hash("11");
    static final String REVERT_REASON = "DuplicatedProofRequest(271, 42)";
    /** The validation result's transaction: in the sender's transaction results. */
    static final String VALIDATION_TX = hash("55");
    static final String PROOF_BLOB_URL = "https://proofs.example.org/271/42/proof.bin";
    /** The Submitted event's block timestamp: deadlines are measured from it. */
    static final Instant SUBMITTED_AT = READY_AT;

    private BatchFixtures() {
    }

    static ReadinessEvent readiness(final BatchId batch) {
        return new ReadinessEvent(batch.chainId(), batch.batchNumber(), BLOB_URL, PROTOCOL, READY_AT);
    }

    /** ProofRequestSubmitted in block 1000, log 0, assigned to Lagrange. */
    static L1Event.ProofRequestSubmitted submitted(final BatchId batch) {
        return new L1Event.ProofRequestSubmitted(batch.chainId(), batch.batchNumber(), ProvingNetwork.LAGRANGE, BLOB_URL, PROTOCOL,
                4_800L, 4_000_000L, 7L, log(1_000L, hash("a0"), REQUEST_TX, 0L), false);
    }

    /** ProofRequestSubmitted in block 1000, log 3, assigned to nobody: the contract stored it as Refused at once. */
    static L1Event.ProofRequestSubmitted submittedToNone(final BatchId batch) {
        return new L1Event.ProofRequestSubmitted(batch.chainId(), batch.batchNumber(), ProvingNetwork.NONE, BLOB_URL, PROTOCOL,
                4_800L, 4_000_000L, 7L, log(1_000L, hash("a0"), REQUEST_TX, 3L), false);
    }

    /** Lagrange accepts, in block 1001, log 1. */
    static L1Event.ProofRequestAcknowledged acknowledged(final BatchId batch) {
        return new L1Event.ProofRequestAcknowledged(batch.chainId(), batch.batchNumber(), true, ProvingNetwork.LAGRANGE,
                log(1_001L, hash("b0"), hash("22"), 1L), false);
    }

    /** Lagrange refuses, in block 1001, log 2. */
    static L1Event.ProofRequestAcknowledged refused(final BatchId batch) {
        return new L1Event.ProofRequestAcknowledged(batch.chainId(), batch.batchNumber(), false, ProvingNetwork.LAGRANGE,
                log(1_001L, hash("b0"), hash("23"), 2L), false);
    }

    /** Lagrange's proof, in block 1002, log 0. */
    static L1Event.ProofRequestProven proven(final BatchId batch) {
        return new L1Event.ProofRequestProven(batch.chainId(), batch.batchNumber(), "0x01", ProvingNetwork.LAGRANGE, 3_000_000L,
                log(1_002L, hash("c0"), hash("33"), 0L), false);
    }

    /** Our validation result, in block 1003, log 0. */
    static L1Event.ProofValidationResult validated(final BatchId batch) {
        return new L1Event.ProofValidationResult(batch.chainId(), batch.batchNumber(), true, ProvingNetwork.LAGRANGE,
                log(1_003L, hash("d0"), hash("44"), 0L), false);
    }

    /** Our validation result saying the proof is invalid, in block 1003, log 1. */
    static L1Event.ProofValidationResult invalidated(final BatchId batch) {
        return new L1Event.ProofValidationResult(batch.chainId(), batch.batchNumber(), false, ProvingNetwork.LAGRANGE,
                log(1_003L, hash("d0"), hash("45"), 1L), false);
    }

    /** The manager's verdict on Lagrange's proof, stored at {@value #PROOF_BLOB_URL}. */
    static ProofVerdict verdict(final BatchId batch, final boolean valid) {
        return new ProofVerdict(batch.chainId(), batch.batchNumber(), ProvingNetwork.LAGRANGE, PROOF_BLOB_URL, valid,
                valid ? "verifier accepted" : "verifier rejected the SNARK", hash("33"), RECORD_TIME);
    }

    /** The same log as {@code event}, mined again after a reorg in block {@code blockNumber} with hash {@code blockHash}. */
    static L1Event.ProofRequestAcknowledged remined(final L1Event.ProofRequestAcknowledged event, final long blockNumber,
            final String blockHash) {
        final LogPosition log = event.log();
        return new L1Event.ProofRequestAcknowledged(event.chainId(), event.batchNumber(), event.accepted(), event.assignedTo(),
                new LogPosition(blockNumber, blockHash, log.transactionHash(), log.logIndex(), log.blockTimestamp()), false);
    }

    /** The retraction of {@code event}: the same log, marked removed by a reorg. */
    static L1Event retraction(final L1Event event) {
        return switch (event) {
            case L1Event.ProofRequestSubmitted e -> new L1Event.ProofRequestSubmitted(e.chainId(), e.batchNumber(), e.assignedTo(),
                    e.proofInputsUrl(), e.protocolVersion(), e.timeoutAfterSeconds(), e.maxRewardMicroUsdc(), e.requestId(), e.log(), true);
            case L1Event.ProofRequestAcknowledged e ->
                    new L1Event.ProofRequestAcknowledged(e.chainId(), e.batchNumber(), e.accepted(), e.assignedTo(), e.log(), true);
            case L1Event.ProofRequestProven e -> new L1Event.ProofRequestProven(e.chainId(), e.batchNumber(), e.proofHex(),
                    e.assignedTo(), e.requestedRewardMicroUsdc(), e.log(), true);
            case L1Event.ProofValidationResult e ->
                    new L1Event.ProofValidationResult(e.chainId(), e.batchNumber(), e.proofValid(), e.assignedTo(), e.log(), true);
        };
    }

    /** The sender's result of the batch's proof request; REVERTED carries {@value #REVERT_REASON}, HELD_FEE_CAP no hash. */
    static L1TransactionResult requestResult(final BatchId batch, final L1TransactionResult.Outcome outcome) {
        final boolean sent = outcome != L1TransactionResult.Outcome.HELD_FEE_CAP && outcome != L1TransactionResult.Outcome.EXPIRED;
        final boolean mined = outcome == L1TransactionResult.Outcome.MINED || outcome == L1TransactionResult.Outcome.REVERTED;
        return new L1TransactionResult(SubmitProofRequest.commandIdFor(batch), batch.chainId(), batch.batchNumber(),
                L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST, outcome, sent ? REQUEST_TX : null, mined ? 1_000L : null,
                outcome == L1TransactionResult.Outcome.REVERTED ? REVERT_REASON : null, null, RECORD_TIME);
    }

    /** The sender's mined proof request, read back from the contract as stored Refused at once (assignee None or Inactive). */
    static L1TransactionResult requestRefusedAtSubmission(final BatchId batch) {
        return requestResult(batch, L1TransactionResult.Outcome.MINED).withRequestStatus(L1TransactionResult.OnChainRequestStatus.REFUSED);
    }

    /** The sender's result of the batch's validation result; MINED and ALREADY_ON_CHAIN carry {@value #VALIDATION_TX}. */
    static L1TransactionResult validationResult(final BatchId batch, final L1TransactionResult.Outcome outcome) {
        final boolean mined = outcome == L1TransactionResult.Outcome.MINED || outcome == L1TransactionResult.Outcome.ALREADY_ON_CHAIN;
        return new L1TransactionResult(SubmitProofValidationResult.commandIdFor(batch), batch.chainId(), batch.batchNumber(),
                L1TransactionResult.Kind.SUBMIT_PROOF_VALIDATION_RESULT, outcome, mined ? VALIDATION_TX : null,
                mined ? 1_003L : null, null, null, RECORD_TIME);
    }

    static String hash(final String twoHexDigits) {
        return "0x" + twoHexDigits.repeat(32);
    }

    private static LogPosition log(final long block, final String blockHash, final String txHash, final long logIndex) {
        return new LogPosition(block, blockHash, txHash, logIndex, READY_AT.plusSeconds(12 * (block - 1_000L)));
    }
}
