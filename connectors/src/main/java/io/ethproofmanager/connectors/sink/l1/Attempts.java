package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.schemas.L1TransactionResult.Kind;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code l1_transaction_attempts} table: the L1 sender's record of every attempt, read back on reconciliation. */
final class Attempts {

    private static final String COLUMNS = "command_id, attempt, kind, chain_id, l1_batch_number, from_address, nonce, tx_hash,"
            + " raw_tx, max_fee_per_gas, max_priority_fee_per_gas, state, revert_reason, block_number";

    private final DataSource dataSource;

    Attempts(final DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Inserts a new attempt of the lane held by {@code lease}, in one database transaction that first checks (and keeps,
     * FOR SHARE, until commit) the lane's epoch: fails with {@link LaneFencedException} when another instance took the
     * lane since, so that an owner that lost its lane cannot persist, and therefore cannot broadcast. Fails when the
     * attempt's number is taken.
     */
    void insert(final Attempt attempt, final LaneLease lease) {
        if (!attempt.fromAddress().equals(lease.fromAddress())) {
            throw new IllegalArgumentException("attempt " + attempt.number() + " of " + attempt.commandId() + " is from "
                    + attempt.fromAddress() + ", not from the " + lease);
        }
        final String what = "insert attempt " + attempt.number() + " of " + attempt.commandId();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                final long epoch = epoch(connection, lease.fromAddress());
                if (epoch != lease.epoch()) {
                    connection.rollback();
                    throw new LaneFencedException(lease, epoch);
                }
                try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                    bindInsert(statement, attempt);
                    statement.executeUpdate();
                }
                connection.commit();
            } catch (final SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (final SQLException e) {
            throw new AttemptStoreException("cannot " + what, e);
        }
    }

    private static long epoch(final Connection connection, final String fromAddress) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT epoch FROM l1_sender_lanes WHERE from_address = ? FOR SHARE")) {
            statement.setString(1, fromAddress);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private static final String INSERT = "INSERT INTO l1_transaction_attempts (" + COLUMNS + ", created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static void bindInsert(final PreparedStatement statement, final Attempt attempt) throws SQLException {
        final Timestamp now = Timestamp.from(Instant.now());
        statement.setString(1, attempt.commandId());
        statement.setInt(2, attempt.number());
        statement.setString(3, attempt.kind().wireName());
        statement.setLong(4, attempt.chainId());
        statement.setLong(5, attempt.batchNumber());
        statement.setString(6, attempt.fromAddress());
        setNullable(statement, 7, attempt.transaction().map(SignedTransaction::nonce), Types.BIGINT);
        setNullable(statement, 8, attempt.txHash(), Types.VARCHAR);
        setNullable(statement, 9, attempt.transaction().map(SignedTransaction::raw), Types.BINARY);
        statement.setBigDecimal(10, new BigDecimal(attempt.fees().maxFeePerGas()));
        statement.setBigDecimal(11, new BigDecimal(attempt.fees().maxPriorityFeePerGas()));
        statement.setString(12, attempt.state().column());
        setNullable(statement, 13, attempt.revertReason(), Types.VARCHAR);
        setNullable(statement, 14, attempt.blockNumber(), Types.BIGINT);
        statement.setTimestamp(15, now);
        statement.setTimestamp(16, now);
    }

    /** Moves an attempt to {@code state}, with the revert reason and block when known. */
    void update(final Attempt attempt, final AttemptState state, final Optional<String> revertReason,
            final Optional<Long> blockNumber) {
        final String sql = "UPDATE l1_transaction_attempts SET state = ?, revert_reason = COALESCE(?, revert_reason),"
                + " block_number = COALESCE(?, block_number), updated_at = ? WHERE command_id = ? AND attempt = ?";
        execute("mark attempt " + attempt.number() + " of " + attempt.commandId() + " " + state.column(), sql, statement -> {
            statement.setString(1, state.column());
            setNullable(statement, 2, revertReason, Types.VARCHAR);
            setNullable(statement, 3, blockNumber, Types.BIGINT);
            statement.setTimestamp(4, Timestamp.from(Instant.now()));
            statement.setString(5, attempt.commandId());
            statement.setInt(6, attempt.number());
        });
    }

    /** Notes that a held attempt is still held, at {@code fees}. */
    void stillHeld(final Attempt attempt, final Fees fees) {
        final String sql = "UPDATE l1_transaction_attempts SET max_fee_per_gas = ?, max_priority_fee_per_gas = ?, updated_at = ?"
                + " WHERE command_id = ? AND attempt = ?";
        execute("update held attempt " + attempt.number() + " of " + attempt.commandId(), sql, statement -> {
            statement.setBigDecimal(1, new BigDecimal(fees.maxFeePerGas()));
            statement.setBigDecimal(2, new BigDecimal(fees.maxPriorityFeePerGas()));
            statement.setTimestamp(3, Timestamp.from(Instant.now()));
            statement.setString(4, attempt.commandId());
            statement.setInt(5, attempt.number());
        });
    }

    /** Per command of the account with attempts that may still mine: when its oldest such attempt was persisted (then broadcast). */
    Map<String, Instant> firstBroadcasts(final String fromAddress) {
        final String sql = "SELECT command_id, min(created_at) FROM l1_transaction_attempts WHERE from_address = ?"
                + " AND state IN ('prepared', 'broadcast', 'unknown') GROUP BY command_id";
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, fromAddress.toLowerCase());
            try (ResultSet rows = statement.executeQuery()) {
                final Map<String, Instant> first = new HashMap<>();
                while (rows.next()) {
                    first.put(rows.getString(1), rows.getTimestamp(2).toInstant());
                }
                return first;
            }
        } catch (final SQLException e) {
            throw new AttemptStoreException("cannot read when the unresolved attempts of " + fromAddress + " were first sent", e);
        }
    }

    /** Every attempt of a command, in order. */
    List<Attempt> of(final String commandId) {
        return query("read the attempts of " + commandId,
                "SELECT " + COLUMNS + " FROM l1_transaction_attempts WHERE command_id = ? ORDER BY attempt",
                statement -> statement.setString(1, commandId));
    }

    /** Every attempt in {@code state}, oldest command first. */
    List<Attempt> inState(final AttemptState state) {
        return query("read the attempts in state " + state.column(),
                "SELECT " + COLUMNS + " FROM l1_transaction_attempts WHERE state = ? ORDER BY created_at, command_id, attempt",
                statement -> statement.setString(1, state.column()));
    }

    /** The attempts of {@code fromAddress} with a transaction that may still mine, lowest nonce first. */
    List<Attempt> unresolvedOf(final String fromAddress) {
        final String[] states = AttemptState.UNRESOLVED.stream().map(AttemptState::column).sorted().toArray(String[]::new);
        return query("read the unresolved attempts of " + fromAddress, "SELECT " + COLUMNS + " FROM l1_transaction_attempts"
                + " WHERE from_address = ? AND state IN (?, ?, ?) ORDER BY nonce, attempt", statement -> {
                    statement.setString(1, fromAddress.toLowerCase());
                    for (int i = 0; i < states.length; i++) {
                        statement.setString(2 + i, states[i]);
                    }
                });
    }

    /** Every attempt of {@code fromAddress} with a transaction at a nonce in [{@code from}, {@code to}), by nonce. */
    List<Attempt> atNonces(final String fromAddress, final long from, final long to) {
        return query("read the attempts of " + fromAddress + " at nonces " + from + " to " + (to - 1),
                "SELECT " + COLUMNS + " FROM l1_transaction_attempts WHERE from_address = ? AND nonce >= ? AND nonce < ?"
                        + " ORDER BY nonce, attempt", statement -> {
                    statement.setString(1, fromAddress.toLowerCase());
                    statement.setLong(2, from);
                    statement.setLong(3, to);
                });
    }

    /** The highest nonce of {@code fromAddress}'s transactions recorded in a block (mined, or reverted on chain). */
    Optional<Long> highestLandedNonce(final String fromAddress) {
        final String sql = "SELECT max(nonce) FROM l1_transaction_attempts WHERE from_address = ? AND block_number IS NOT NULL"
                + " AND state IN (?, ?)";
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, fromAddress.toLowerCase());
            statement.setString(2, AttemptState.MINED.column());
            statement.setString(3, AttemptState.REVERTED.column());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                final long nonce = rows.getLong(1);
                return rows.wasNull() ? Optional.empty() : Optional.of(nonce);
            }
        } catch (final SQLException e) {
            throw new AttemptStoreException("cannot read the highest landed nonce of " + fromAddress, e);
        }
    }

    /** The highest nonce of {@code fromAddress}'s transactions that may still mine. */
    Optional<Long> highestUnresolvedNonce(final String fromAddress) {
        final String sql = "SELECT max(nonce) FROM l1_transaction_attempts WHERE from_address = ? AND state IN (?, ?, ?)";
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, fromAddress.toLowerCase());
            final String[] states = AttemptState.UNRESOLVED.stream().map(AttemptState::column).sorted().toArray(String[]::new);
            for (int i = 0; i < states.length; i++) {
                statement.setString(2 + i, states[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                final long nonce = rows.getLong(1);
                return rows.wasNull() ? Optional.empty() : Optional.of(nonce);
            }
        } catch (final SQLException e) {
            throw new AttemptStoreException("cannot read the highest unresolved nonce of " + fromAddress, e);
        }
    }

    private List<Attempt> query(final String what, final String sql, final Binder binder) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                final List<Attempt> attempts = new ArrayList<>();
                while (rows.next()) {
                    attempts.add(read(rows));
                }
                return attempts;
            }
        } catch (final SQLException e) {
            throw new AttemptStoreException("cannot " + what, e);
        }
    }

    private void execute(final String what, final String sql, final Binder binder) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            if (statement.executeUpdate() != 1) {
                throw new AttemptStoreException("cannot " + what + ": no such row", null);
            }
        } catch (final SQLException e) {
            throw new AttemptStoreException("cannot " + what, e);
        }
    }

    private static Attempt read(final ResultSet row) throws SQLException {
        final long nonce = row.getLong("nonce");
        final Optional<SignedTransaction> tx = row.wasNull() ? Optional.empty()
                : Optional.of(new SignedTransaction(nonce, row.getString("tx_hash"), row.getBytes("raw_tx")));
        final long block = row.getLong("block_number");
        final Optional<Long> blockNumber = row.wasNull() ? Optional.empty() : Optional.of(block);
        return new Attempt(row.getString("command_id"), row.getInt("attempt"), kind(row.getString("kind")),
                row.getLong("chain_id"), row.getLong("l1_batch_number"), row.getString("from_address"),
                new Fees(row.getBigDecimal("max_fee_per_gas").toBigIntegerExact(),
                        row.getBigDecimal("max_priority_fee_per_gas").toBigIntegerExact()),
                tx, AttemptState.ofColumn(row.getString("state")), Optional.ofNullable(row.getString("revert_reason")),
                blockNumber);
    }

    private static Kind kind(final String wireName) {
        return Arrays.stream(Kind.values()).filter(kind -> kind.wireName().equals(wireName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown transaction kind '" + wireName + "'"));
    }

    private static void setNullable(final PreparedStatement statement, final int index, final Optional<?> value,
            final int sqlType) throws SQLException {
        if (value.isPresent()) {
            statement.setObject(index, value.get(), sqlType);
        } else {
            statement.setNull(index, sqlType);
        }
    }

    /** Binds the parameters of a statement. */
    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Another instance took the lane since this one did: the attempt was not persisted, and must not be broadcast. */
    static final class LaneFencedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        LaneFencedException(final LaneLease lease, final long epochNow) {
            super("the " + lease + " was taken by another instance (epoch now " + epochNow + "): nothing persisted, nothing sent");
        }
    }

    /** PostgreSQL refused or missed a read or write of the attempts table. */
    static final class AttemptStoreException extends RuntimeException {
        AttemptStoreException(final String message, final SQLException cause) {
            super(message, cause);
        }
    }
}
