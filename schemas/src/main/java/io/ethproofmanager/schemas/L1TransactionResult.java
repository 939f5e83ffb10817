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
        Instant at) {

    public L1TransactionResult {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
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
        UNKNOWN("unknown");

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
