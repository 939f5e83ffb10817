package io.ethproofmanager.connectors.sink.l1;

import java.math.BigInteger;
import java.util.Objects;

/** The EIP-1559 fees of one transaction, in wei. */
record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {

    /** The fees of an attempt that was never priced (an expired request). */
    static final Fees ZERO = new Fees(BigInteger.ZERO, BigInteger.ZERO);

    Fees {
        Objects.requireNonNull(maxFeePerGas, "maxFeePerGas");
        Objects.requireNonNull(maxPriorityFeePerGas, "maxPriorityFeePerGas");
        if (maxPriorityFeePerGas.signum() < 0 || maxFeePerGas.compareTo(maxPriorityFeePerGas) < 0) {
            throw new IllegalArgumentException("fees must satisfy 0 <= maxPriorityFeePerGas <= maxFeePerGas, were "
                    + maxPriorityFeePerGas + " and " + maxFeePerGas);
        }
    }

    /** The fees of an EIP-1559 quote: twice the base fee plus the priority fee. */
    static Fees quote(final BigInteger baseFeePerGas, final BigInteger priorityFee) {
        return new Fees(baseFeePerGas.shiftLeft(1).add(priorityFee), priorityFee);
    }

    /** Both fees raised by {@code percent} (at least by 1 wei), and never below {@code floor}: a valid replacement. */
    Fees bumped(final int percent, final Fees floor) {
        return new Fees(bump(maxFeePerGas, percent).max(floor.maxFeePerGas),
                bump(maxPriorityFeePerGas, percent).max(floor.maxPriorityFeePerGas));
    }

    boolean exceeds(final BigInteger cap) {
        return maxFeePerGas.compareTo(cap) > 0;
    }

    private static BigInteger bump(final BigInteger fee, final int percent) {
        final BigInteger raised = fee.multiply(BigInteger.valueOf(100L + percent)).divide(BigInteger.valueOf(100));
        return raised.max(fee.add(BigInteger.ONE));
    }

    @Override
    public String toString() {
        return "maxFeePerGas " + maxFeePerGas + " wei, maxPriorityFeePerGas " + maxPriorityFeePerGas + " wei";
    }
}
