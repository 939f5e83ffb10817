package io.ethproofmanager.connectors.sink.l1;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the signer's nonce, for every kind of transaction: starts after both the node's pending count and the
 * highest nonce of the persisted attempts that may still mine, then hands nonces out in order; nonces the node went back
 * below ({@link #followNodeBack}, a reorg) are handed out first.
 */
public final class NonceKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(NonceKeeper.class);

    private final String address;
    private final LongSupplier pendingCount;
    private long next;
    /** Nonces below {@code next} that the node has not mined and no transaction of the lane holds: handed out first. */
    private final TreeSet<Long> gaps = new TreeSet<>();
    /** The gap {@link #next()} handed out last, when its last nonce was one (it can be given back). */
    private Optional<Long> lastGap = Optional.empty();

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

    /** The next nonce: the lowest nonce gap first, else the next after every one handed out; each is handed out once. */
    public synchronized long next() {
        final Long gap = gaps.pollFirst();
        lastGap = Optional.ofNullable(gap);
        return gap != null ? gap : next++;
    }

    /**
     * Follows the node back below this keeper's next nonce: {@code nonces}, which the node has not mined and that no
     * transaction of the lane can fill again, are handed out before any other (a transaction of the account that this
     * lane did not send was reorganised out, say), so that the lane's later transactions do not wait on them.
     */
    public synchronized void followNodeBack(final Collection<Long> nonces) {
        final boolean added = nonces.stream().filter(nonce -> nonce < next).map(gaps::add).toList().contains(true);
        if (added) {
            LOG.warn("nonces of {}: {} below the next nonce {} are free on the node again; handed out first", address, gaps,
                    next);
        }
    }

    /**
     * Takes the lowest nonce gap below {@code nonce}, for a transaction stuck at {@code nonce} to be re-signed at; give
     * it back with {@link #followNodeBack} when it was not used.
     */
    public synchronized Optional<Long> takeGapBelow(final long nonce) {
        final Long gap = gaps.isEmpty() || gaps.first() >= nonce ? null : gaps.pollFirst();
        return Optional.ofNullable(gap);
    }

    /**
     * Takes back {@code nonce}, handed out by {@link #next()} but never signed into a persisted attempt (the database
     * refused it): the next {@link #next()} hands it out again, so that no nonce is skipped (a skipped nonce leaves every
     * later transaction of the account unmined). Only the last nonce handed out can be taken back.
     */
    public synchronized void giveBack(final long nonce) {
        if (lastGap.filter(gap -> gap == nonce).isPresent()) {
            gaps.add(nonce);
        } else if (nonce == next - 1) {
            next = nonce;
        }
        lastGap = Optional.empty();
    }

    /** Moves past {@code nonce}, which a persisted transaction of the lane holds again (broadcast again after a reorg). */
    public synchronized void passed(final long nonce) {
        if (nonce >= next) {
            LOG.info("nonces of {}: moved from {} past {}, held again by a persisted transaction", address, next, nonce);
            next = nonce + 1;
        }
        gaps.remove(nonce);
    }

    /** The nonce {@link #next()} would hand out. */
    public synchronized long peek() {
        return gaps.isEmpty() ? next : gaps.first();
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
