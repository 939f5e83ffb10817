package io.ethproofmanager.schemas;

/**
 * A proof manager contract event about one batch, published by the log ingester. Topic {@link Topics#L1_EVENTS}, keyed by
 * {@link BatchId}, beside the chain-time ticks of that topic ({@link L1Record}); schema {@code v1/l1-event.schema.json}.
 * {@code removed} marks a retraction: the log was published once and a reorg took it off the canonical chain, so its
 * effect must be undone.
 */
public sealed interface L1Event extends L1Record {

    long chainId();

    long batchNumber();

    LogPosition log();

    boolean removed();

    default BatchId batchId() {
        return new BatchId(chainId(), batchNumber());
    }

    /** {@code ProofRequestSubmitted}: the request is on chain and assigned (None when nobody could take it). */
    record ProofRequestSubmitted(
            long chainId,
            long batchNumber,
            ProvingNetwork assignedTo,
            String proofInputsUrl,
            ProtocolVersion protocolVersion,
            long timeoutAfterSeconds,
            long maxRewardMicroUsdc,
            long requestId,
            LogPosition log,
            boolean removed) implements L1Event {
    }

    /** {@code ProofRequestAcknowledged}: the assigned network accepted or refused the request. */
    record ProofRequestAcknowledged(
            long chainId, long batchNumber, boolean accepted, ProvingNetwork assignedTo, LogPosition log, boolean removed)
            implements L1Event {
    }

    /**
     * {@code ProofRequestProven}: the assigned network submitted a proof (hex bytes) and asks for a reward.
     * {@code proofBytes} is the proof's size on chain; when it is larger than {@code proofHex} holds, the proof was left
     * out of the record ({@link #proofOmitted()}): it was over the ingester's limit, or the record is a retraction, which
     * never carries the proof. Null in records written before the field existed: then {@code proofHex} is the whole proof.
     */
    record ProofRequestProven(
            long chainId,
            long batchNumber,
            String proofHex,
            ProvingNetwork assignedTo,
            long requestedRewardMicroUsdc,
            LogPosition log,
            boolean removed,
            Long proofBytes) implements L1Event {

        /** An event carrying its whole proof. */
        public ProofRequestProven(final long chainId, final long batchNumber, final String proofHex, final ProvingNetwork assignedTo,
                final long requestedRewardMicroUsdc, final LogPosition log, final boolean removed) {
            this(chainId, batchNumber, proofHex, assignedTo, requestedRewardMicroUsdc, log, removed, hexBytes(proofHex));
        }

        /** The proof's size on chain, in bytes. */
        public long proofSize() {
            return proofBytes != null ? proofBytes : hexBytes(proofHex);
        }

        /** Whether the proof was left out of this record (see the record's description). */
        public boolean proofOmitted() {
            return proofSize() > hexBytes(proofHex);
        }

        /** This event without its proof bytes, keeping their size. */
        public ProofRequestProven withoutProof() {
            return new ProofRequestProven(chainId, batchNumber, "0x", assignedTo, requestedRewardMicroUsdc, log, removed, proofSize());
        }

        private static long hexBytes(final String hex) {
            return hex == null ? 0 : Math.max(0, (hex.length() - 2) / 2);
        }
    }

    /** {@code ProofValidationResult}: our validation result is on chain. */
    record ProofValidationResult(
            long chainId, long batchNumber, boolean proofValid, ProvingNetwork assignedTo, LogPosition log, boolean removed)
            implements L1Event {
    }
}
