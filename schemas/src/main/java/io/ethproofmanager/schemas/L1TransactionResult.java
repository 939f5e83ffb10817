package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of an {@link L1Command}: the L1 sender's report back to the topology. Topic {@link Topics#L1_TX_RESULTS},
 * keyed by {@link BatchId}; schema {@code v1/l1-tx-result.schema.json}.
 */
public record L1TransactionResult(
        String commandId,
        long chainId,
        long batchNumber,
        Kind kind,
        Outcome outcome,
        String txHash,
        Long blockNumber,
        String revertReason,
        String detail,
        Instant at,
        OnChainRequestStatus requestStatus) {

    public L1TransactionResult {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
    }

    /** A result without the request's on-chain status (the sender did not read it back). */
    public L1TransactionResult(final String commandId, final long chainId, final long batchNumber, final Kind kind,
            final Outcome outcome, final String txHash, final Long blockNumber, final String revertReason, final String detail,
            final Instant at) {
        this(commandId, chainId, batchNumber, kind, outcome, txHash, blockNumber, revertReason, detail, at, null);
    }

    /** The request's status as the contract reports it after the transaction; empty when not read. */
    public Optional<OnChainRequestStatus> onChainStatus() {
        return Optional.ofNullable(requestStatus);
    }

    /** Returns this result with the request's on-chain status read back from the contract. */
    public L1TransactionResult withRequestStatus(final OnChainRequestStatus status) {
        return new L1TransactionResult(commandId, chainId, batchNumber, kind, outcome, txHash, blockNumber, revertReason, detail, at, status);
    }

    /** The contract's {@code ProofRequestStatus}; the ordinal is the on-chain value. */
    public enum OnChainRequestStatus {
        PENDING_ACKNOWLEDGEMENT("pending_acknowledgement"),
        COMMITTED("committed"),
        REFUSED("refused"),
        UNACKNOWLEDGED("unacknowledged"),
        PROVEN("proven"),
        TIMED_OUT("timed_out"),
        VALIDATED("validated"),
        VALIDATION_FAILED("validation_failed");

        private final String wireName;

        OnChainRequestStatus(final String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        public static OnChainRequestStatus fromOnChainValue(final int value) {
            if (value < 0 || value >= values().length) {
                throw new IllegalArgumentException("unknown proof request status value " + value);
            }
            return values()[value];
        }
    }

    public BatchId batchId() {
        return new BatchId(chainId, batchNumber);
    }

    public Optional<String> transactionHash() {
        return Optional.ofNullable(txHash);
    }

    /** Which contract call. */
    public enum Kind {
        SUBMIT_PROOF_REQUEST("submit_proof_request"),
        SUBMIT_PROOF_VALIDATION_RESULT("submit_proof_validation_result");

        private final String wireName;

        Kind(final String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }
    }

    /** How the call ended. */
    public enum Outcome {
        /** Mined with status 1. */
        MINED("mined"),
        /** Mined with status 0 or refused at estimation; {@code revertReason} names the contract's custom error. */
        REVERTED("reverted"),
        /** The contract already holds the effect (found on reconciliation after a restart); nothing was sent again. */
        ALREADY_ON_CHAIN("already_on_chain"),
        /** Not sent: the fee the network asks is above the configured cap; retried when fees come down. */
        HELD_FEE_CAP("held_fee_cap"),
        /** Broadcast but neither mined nor dropped yet as far as the sender knows; resolved later. */
        UNKNOWN("unknown"),
        /**
         * A proof request not sent because chain time passed its {@code notPickedUpBy}: recorded by the sender before it
         * could ever be signed, so it is final; the batch falls back as not picked up.
         */
        EXPIRED("expired"),
        /**
         * The command's transaction {@code txHash}, reported {@code mined} in {@code blockNumber}, was reorganised out of
         * the chain for good (no receipt, not in the node's pool): nothing of it is on chain any more. It replaces that
         * result; the sender sends the command again (its persisted transaction broadcast again, or reconciled with the
         * contract), and the next result (normally {@code mined}) follows. Added in v1 as an additive change.
         */
        REORGED_OUT("reorged_out");

        private final String wireName;

        Outcome(final String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }
    }
}
