package io.ethproofmanager.schemas;

/**
 * Identifies a batch across the whole system: the rollup's chain id and its L1 batch number.
 * It is the key of every batch topic (the contract's {@code ProofRequestIdentifier}).
 */
public record BatchId(long chainId, long batchNumber) implements Comparable<BatchId> {

    public BatchId {
        if (chainId <= 0) {
            throw new IllegalArgumentException("chainId must be positive, was " + chainId);
        }
        if (batchNumber < 0) {
            throw new IllegalArgumentException("batchNumber must not be negative, was " + batchNumber);
        }
    }

    @Override
    public int compareTo(final BatchId other) {
        final int byChain = Long.compare(chainId, other.chainId);
        return byChain != 0 ? byChain : Long.compare(batchNumber, other.batchNumber);
    }

    @Override
    public String toString() {
        return chainId + ":" + batchNumber;
    }
}
