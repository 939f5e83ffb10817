package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Ask the contract to hand a batch to a proving network: {@code submitProofRequest(id, params)}. {@code notPickedUpBy}
 * is the chain time after which the request must not be sent any more (null: no such deadline): the L1 sender, the one
 * place that knows whether the request was or may have been sent, then records it as expired instead, and the batch falls
 * back as not picked up.
 */
public record SubmitProofRequest(
        String commandId,
        long chainId,
        long batchNumber,
        String proofInputsUrl,
        ProtocolVersion protocolVersion,
        long timeoutAfterSeconds,
        long maxRewardMicroUsdc,
        Instant issuedAt,
        Instant notPickedUpBy) implements L1Command {

    public SubmitProofRequest {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(proofInputsUrl, "proofInputsUrl");
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    /** A request without a not-picked-up deadline. */
    public SubmitProofRequest(final String commandId, final long chainId, final long batchNumber, final String proofInputsUrl,
            final ProtocolVersion protocolVersion, final long timeoutAfterSeconds, final long maxRewardMicroUsdc,
            final Instant issuedAt) {
        this(commandId, chainId, batchNumber, proofInputsUrl, protocolVersion, timeoutAfterSeconds, maxRewardMicroUsdc, issuedAt,
                null);
    }

    /** The chain time after which the request must not be sent any more, if the topology gave one. */
    public Optional<Instant> pickUpDeadline() {
        return Optional.ofNullable(notPickedUpBy);
    }

    /** The command id of a batch's proof request: one per batch, whatever the redeliveries. */
    public static String commandIdFor(final BatchId batch) {
        return "submit_proof_request:" + batch;
    }
}
