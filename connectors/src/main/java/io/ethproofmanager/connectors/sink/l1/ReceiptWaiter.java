package io.ethproofmanager.connectors.sink.l1;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Polls the node for the receipt of any of a command's transactions (they share a nonce: at most one mines), with a bound. */
final class ReceiptWaiter {

    private final L1Node node;
    private final Duration pollInterval;
    private final CountDownLatch closing;

    /** A receipt and the attempt whose transaction it is. */
    record Found(Attempt attempt, TransactionReceipt receipt) {
    }

    /** The sender is closing: the wait was abandoned, the attempt stays in flight for the next start to reconcile. */
    static final class ClosingException extends RuntimeException {
        ClosingException(final String message) {
            super(message);
        }
    }

    ReceiptWaiter(final L1Node node, final Duration pollInterval, final CountDownLatch closing) {
        this.node = Objects.requireNonNull(node, "node");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.closing = Objects.requireNonNull(closing, "closing");
    }

    /** The first receipt found for any of {@code attempts} within {@code timeout}; empty when none came. */
    Optional<Found> awaitAny(final List<Attempt> attempts, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (final Attempt attempt : attempts) {
                final Optional<TransactionReceipt> receipt = node.receipt(attempt.tx().hash());
                if (receipt.isPresent()) {
                    return Optional.of(new Found(attempt, receipt.get()));
                }
            }
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Optional.empty();
            }
            pause(Math.min(remaining, pollInterval.toNanos()), attempts);
        }
    }

    private void pause(final long nanos, final List<Attempt> attempts) {
        try {
            if (closing.await(nanos, TimeUnit.NANOSECONDS)) {
                throw new ClosingException("closing while awaiting the receipt of " + attempts.getLast().tx());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosingException("interrupted while awaiting the receipt of " + attempts.getLast().tx());
        }
    }
}
