package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The nonce keeper's start (after the node and after persisted attempts), its order, and fee bumps of replacements. */
class L1SenderNonceKeeperTest {

    private static final String ADDRESS = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

    /**
     * Found by {@code simulate --batches 100 --seed 7 --faults all} (postgres-stop): the attempt of nonce 100 could not be
     * persisted, the retry signed nonce 101, and the account's transactions never mined again.
     */
    @Test
    void aNonceNeverPersistedIsHandedOutAgain() {
        final NonceKeeper nonces = new NonceKeeper(ADDRESS, () -> 100, Optional.empty());
        final long refused = nonces.next();

        nonces.giveBack(refused);

        assertThat(nonces.next()).isEqualTo(100);
        assertThat(nonces.next()).isEqualTo(101);
        nonces.giveBack(100);
        assertThat(nonces.peek()).as("only the last nonce handed out comes back").isEqualTo(102);
    }

    @Test
    void startsAtTheNodesPendingCountWhenNothingIsPersisted() {
        final NonceKeeper nonces = new NonceKeeper(ADDRESS, () -> 5, Optional.empty());

        assertThat(List.of(nonces.next(), nonces.next(), nonces.next())).containsExactly(5L, 6L, 7L);
    }

    @Test
    void startsAfterAPersistedAttemptTheNodeNeverSaw() {
        final NonceKeeper nonces = new NonceKeeper(ADDRESS, () -> 5, Optional.of(8L));

        assertThat(nonces.next()).isEqualTo(9);
    }

    @Test
    void startsAtThePendingCountWhenPersistedAttemptsAreBehindIt() {
        assertThat(new NonceKeeper(ADDRESS, () -> 12, Optional.of(3L)).peek()).isEqualTo(12);
    }

    @Test
    void resyncSkipsNoncesUsedByAnotherSenderButNeverGoesBack() {
        final AtomicLong onNode = new AtomicLong(2);
        final NonceKeeper nonces = new NonceKeeper(ADDRESS, onNode::get, Optional.empty());
        nonces.next();
        onNode.set(6);
        nonces.resync();
        assertThat(nonces.peek()).isEqualTo(6);

        onNode.set(1);
        nonces.resync();
        assertThat(nonces.next()).isEqualTo(6);
    }

    @Test
    void concurrentCallersNeverShareANonce() throws Exception {
        final NonceKeeper nonces = new NonceKeeper(ADDRESS, () -> 0, Optional.empty());
        final Set<Long> handedOut = ConcurrentHashMap.newKeySet();
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<?>> work = IntStream.range(0, 4).<Future<?>>mapToObj(i -> pool.submit(() -> {
                for (int n = 0; n < 1_000; n++) {
                    handedOut.add(nonces.next());
                }
            })).toList();
            for (final Future<?> done : work) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(handedOut).hasSize(4_000);
        assertThat(nonces.peek()).isEqualTo(4_000);
    }

    @Test
    void replacementFeesRiseByTheBumpAndNeverBelowTheCurrentQuote() {
        final Fees stuck = new Fees(BigInteger.valueOf(1_000), BigInteger.valueOf(100));

        assertThat(stuck.bumped(20, new Fees(BigInteger.valueOf(500), BigInteger.valueOf(50))))
                .isEqualTo(new Fees(BigInteger.valueOf(1_200), BigInteger.valueOf(120)));
        assertThat(stuck.bumped(20, new Fees(BigInteger.valueOf(5_000), BigInteger.valueOf(100))))
                .isEqualTo(new Fees(BigInteger.valueOf(5_000), BigInteger.valueOf(120)));
        assertThat(new Fees(BigInteger.ONE, BigInteger.ZERO).bumped(10, new Fees(BigInteger.ZERO, BigInteger.ZERO)))
                .isEqualTo(new Fees(BigInteger.TWO, BigInteger.ONE));
    }

    @Test
    void quoteIsTwiceTheBaseFeePlusThePriorityFee() {
        final Fees quote = Fees.quote(BigInteger.valueOf(7), BigInteger.valueOf(1_000_000));

        assertThat(quote.maxFeePerGas()).isEqualTo(BigInteger.valueOf(1_000_014));
        assertThat(quote.exceeds(BigInteger.valueOf(1_000_013))).isTrue();
        assertThat(quote.exceeds(BigInteger.valueOf(1_000_014))).isFalse();
    }

    @Test
    void noncesTheNodeWentBackBelowAreHandedOutFirstThenTheNextOnes() {
        final NonceKeeper nonces = new NonceKeeper(ADDRESS, () -> 10, Optional.empty());
        nonces.next();
        nonces.next();
        nonces.next();

        nonces.followNodeBack(List.of(10L, 11L, 20L));

        assertThat(nonces.peek()).isEqualTo(10);
        assertThat(nonces.next()).as("the gaps first").isEqualTo(10);
        assertThat(nonces.next()).isEqualTo(11);
        assertThat(nonces.next()).as("a nonce never handed out is no gap").isEqualTo(13);
    }

    @Test
    void aTransactionStuckAboveAGapTakesItAndAGapGivenBackComesAgain() {
        final NonceKeeper nonces = new NonceKeeper(ADDRESS, () -> 10, Optional.empty());
        for (int i = 0; i < 5; i++) {
            nonces.next();
        }
        nonces.followNodeBack(List.of(11L));

        assertThat(nonces.takeGapBelow(11)).as("not below the stuck one").isEmpty();
        assertThat(nonces.takeGapBelow(13)).contains(11L);
        assertThat(nonces.peek()).isEqualTo(15);
        nonces.followNodeBack(List.of(11L));
        final long gap = nonces.next();
        nonces.giveBack(gap);
        assertThat(nonces.next()).as("given back, handed out again").isEqualTo(11);
        assertThat(nonces.next()).isEqualTo(15);
    }
}
