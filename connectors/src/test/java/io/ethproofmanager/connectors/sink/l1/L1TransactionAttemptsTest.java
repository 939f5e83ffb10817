package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.L1TransactionResult.Kind;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The l1_transaction_attempts table on a real PostgreSQL: rows read back as written, its constraints, the nonce query. */
class L1TransactionAttemptsTest {

    private static final String SIGNER = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    private static final Fees FEES = new Fees(new BigInteger("123456789012345678901234567890"), BigInteger.valueOf(1_000_000));

    private static Database database;
    private static Attempts attempts;
    private static LaneLease lease;

    @BeforeAll
    static void createDatabase() {
        database = SharedInfrastructure.freshDatabase("l1_attempts_test");
        attempts = new Attempts(database.dataSource());
        lease = new LaneLeases(database.dataSource()).take(SIGNER, "attempts-test");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void attemptReadsBackAsWrittenAndMovesThroughItsStates() {
        final Attempt prepared = attempt("cmd-roundtrip", 1, Optional.of(tx(3, "0x01")), AttemptState.PREPARED);
        attempts.insert(prepared, lease);
        assertThat(attempts.of("cmd-roundtrip")).containsExactly(prepared);

        attempts.update(prepared, AttemptState.MINED, Optional.empty(), Optional.of(42L));

        final Attempt mined = attempts.of("cmd-roundtrip").getFirst();
        assertThat(mined.state()).isEqualTo(AttemptState.MINED);
        assertThat(mined.blockNumber()).contains(42L);
        assertThat(mined.tx().raw()).containsExactly(1, 2, 3);
        assertThat(mined.fees()).isEqualTo(FEES);
        assertThat(attempts.inState(AttemptState.MINED)).extracting(Attempt::commandId).contains("cmd-roundtrip");
    }

    @Test
    void highestUnresolvedNonceIgnoresResolvedAttemptsAndOtherSigners() {
        attempts.insert(attempt("cmd-nonce-a", 1, Optional.of(tx(100, "0xa1")), AttemptState.MINED), lease);
        attempts.insert(attempt("cmd-nonce-b", 1, Optional.of(tx(7, "0xb1")), AttemptState.BROADCAST), lease);
        attempts.insert(attempt("cmd-nonce-b", 2, Optional.of(tx(7, "0xb2")), AttemptState.PREPARED), lease);
        attempts.insert(attempt("cmd-nonce-c", 1, Optional.of(tx(9, "0xc1")), AttemptState.UNKNOWN), lease);

        assertThat(attempts.highestUnresolvedNonce(SIGNER)).contains(9L);
        assertThat(attempts.highestUnresolvedNonce("0x0000000000000000000000000000000000000001")).isEmpty();
    }

    @Test
    void attemptNumbersAndTransactionHashesAreUnique() {
        attempts.insert(attempt("cmd-unique", 1, Optional.of(tx(1, "0xd1")), AttemptState.BROADCAST), lease);

        assertThatThrownBy(() -> attempts.insert(attempt("cmd-unique", 1, Optional.of(tx(1, "0xd2")), AttemptState.PREPARED), lease))
                .isInstanceOf(Attempts.AttemptStoreException.class).hasMessageContaining("insert attempt 1 of cmd-unique");
        assertThatThrownBy(() -> attempts.insert(attempt("cmd-unique-2", 1, Optional.of(tx(1, "0xd1")), AttemptState.PREPARED), lease))
                .isInstanceOf(Attempts.AttemptStoreException.class);
    }

    @Test
    void onlyHeldAndEstimationRevertedAttemptsMayLackATransaction() throws Exception {
        attempts.insert(attempt("cmd-held", 1, Optional.empty(), AttemptState.HELD_FEE_CAP), lease);

        assertThatThrownBy(() -> attempts.insert(attempt("cmd-bad", 1, Optional.empty(), AttemptState.BROADCAST), lease))
                .isInstanceOf(Attempts.AttemptStoreException.class)
                .cause().hasMessageContaining("l1_transaction_attempts_tx_check");
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("UPDATE l1_transaction_attempts SET state = 'lost' WHERE command_id = 'cmd-held'"))
                    .hasMessageContaining("l1_transaction_attempts_state_check");
        }
    }

    @Test
    void holderThatLostItsLaneCannotPersistAnAttempt() {
        final LaneLeases leases = new LaneLeases(database.dataSource());
        final String account = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
        final LaneLease first = leases.take(account, "instance-a");
        final Attempt a = new Attempt("cmd-fenced-a", 1, Kind.SUBMIT_PROOF_REQUEST, 324, 8, account, FEES,
                Optional.of(tx(5, "0xf1")), AttemptState.PREPARED, Optional.empty(), Optional.empty());
        attempts.insert(a, first);

        final LaneLease second = leases.take(account, "instance-b");
        final Attempt stale = new Attempt("cmd-fenced-b", 1, Kind.SUBMIT_PROOF_REQUEST, 324, 9, account, FEES,
                Optional.of(tx(6, "0xf2")), AttemptState.PREPARED, Optional.empty(), Optional.empty());

        assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
        assertThat(leases.holder(account)).contains(second);
        assertThatThrownBy(() -> attempts.insert(stale, first)).isInstanceOf(Attempts.LaneFencedException.class)
                .hasMessageContaining("epoch now " + second.epoch());
        assertThat(attempts.of("cmd-fenced-b")).isEmpty();
        attempts.insert(stale, second);
        assertThat(attempts.of("cmd-fenced-b")).extracting(Attempt::state).containsExactly(AttemptState.PREPARED);
    }

    private static Attempt attempt(final String commandId, final int number, final Optional<SignedTransaction> tx,
            final AttemptState state) {
        return new Attempt(commandId, number, Kind.SUBMIT_PROOF_REQUEST, 324, 7, SIGNER, FEES, tx, state, Optional.empty(),
                Optional.empty());
    }

    private static SignedTransaction tx(final long nonce, final String hash) {
        return new SignedTransaction(nonce, hash, new byte[] {1, 2, 3});
    }
}
