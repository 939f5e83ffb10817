package io.ethproofmanager.connectors.sink.l1;

import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the signer's nonce, for every kind of transaction: starts after both the node's pending count and the
 * highest nonce of the persisted attempts that may still mine, then hands nonces out in order.
 */
public final class NonceKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(NonceKeeper.class);

    private final String address;
    private final LongSupplier pendingCount;
    private long next;

    /**
     * @param pendingCount the node's {@code eth_getTransactionCount(address, "pending")}
     * @param highestUnresolvedNonce the highest nonce of the address's persisted attempts that are not resolved
     */
    public NonceKeeper(final String address, final LongSupplier pendingCount, final Optional<Long> highestUnresolvedNonce) {
        this.address = Objects.requireNonNull(address, "address");
        this.pendingCount = Objects.requireNonNull(pendingCount, "pendingCount");
        Objects.requireNonNull(highestUnresolvedNonce, "highestUnresolvedNonce");
        final long onNode = pendingCount.getAsLong();
        this.next = Math.max(onNode, highestUnresolvedNonce.map(nonce -> nonce + 1).orElse(0L));
        LOG.info("nonces of {} start at {} (node's pending count {}, highest unresolved persisted nonce {})", address, next,
                onNode, highestUnresolvedNonce.map(String::valueOf).orElse("none"));
    }

    /** The next nonce; each is handed out once. */
    public synchronized long next() {
        return next++;
    }

    /**
     * Takes back {@code nonce}, handed out by {@link #next()} but never signed into a persisted attempt (the database
     * refused it): the next {@link #next()} hands it out again, so that no nonce is skipped (a skipped nonce leaves every
     * later transaction of the account unmined). Only the last nonce handed out can be taken back.
     */
    public synchronized void giveBack(final long nonce) {
        if (nonce == next - 1) {
            next = nonce;
        }
    }

    /** The nonce {@link #next()} would hand out. */
    public synchronized long peek() {
        return next;
    }

    /** Moves past nonces that another sender of the same account used meanwhile (the node refused one as too low). */
    public synchronized void resync() {
        final long onNode = pendingCount.getAsLong();
        if (onNode > next) {
            LOG.warn("nonce of {} moved from {} to the node's pending count {}: another sender uses this account", address,
                    next, onNode);
            next = onNode;
        }
    }
}
