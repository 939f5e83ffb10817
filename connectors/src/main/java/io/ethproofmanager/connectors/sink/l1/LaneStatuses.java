package io.ethproofmanager.connectors.sink.l1;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads a lane's state for the status API: its holder in {@code l1_sender_lanes} and its attempts. */
final class LaneStatuses {

    private static final String HOLDER = "SELECT owner, epoch FROM l1_sender_lanes WHERE from_address = ?";
    private static final String PENDING = "SELECT count(*), EXTRACT(EPOCH FROM now() - min(created_at))::BIGINT"
            + " FROM l1_transaction_attempts WHERE from_address = ? AND state IN ('prepared', 'broadcast', 'unknown')";
    /** The commands whose latest attempt is held by the fee cap: how many, and the first held (its latest quote, since when). */
    private static final String HELD = "SELECT count(*) OVER (), command_id, max_fee_per_gas, created_at FROM (SELECT DISTINCT ON"
            + " (command_id) command_id, state, max_fee_per_gas, created_at FROM l1_transaction_attempts WHERE from_address = ?"
            + " ORDER BY command_id, attempt DESC) AS latest WHERE state = 'held_fee_cap' ORDER BY created_at LIMIT 1";

    private final DataSource dataSource;
    private final BigInteger feeCap;

    LaneStatuses(final DataSource dataSource, final BigInteger feeCap) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.feeCap = Objects.requireNonNull(feeCap, "feeCap");
    }

    /** The lane's status; {@code nextNonceHere} when this instance holds it. */
    LaneStatus of(final Lane lane, final Optional<Long> nextNonceHere) {
        try (Connection connection = dataSource.getConnection()) {
            String owner = null;
            Long epoch = null;
            try (PreparedStatement holder = connection.prepareStatement(HOLDER)) {
                holder.setString(1, lane.address());
                try (ResultSet row = holder.executeQuery()) {
                    if (row.next()) {
                        owner = row.getString(1);
                        epoch = row.getLong(2);
                    }
                }
            }
            long inFlight;
            Long oldest;
            try (PreparedStatement pending = connection.prepareStatement(PENDING)) {
                pending.setString(1, lane.address());
                try (ResultSet row = pending.executeQuery()) {
                    row.next();
                    inFlight = row.getLong(1);
                    final long seconds = row.getLong(2);
                    oldest = row.wasNull() ? null : seconds;
                }
            }
            long held = 0;
            FeeHold hold = null;
            try (PreparedStatement heldNow = connection.prepareStatement(HELD)) {
                heldNow.setString(1, lane.address());
                try (ResultSet row = heldNow.executeQuery()) {
                    if (row.next()) {
                        held = row.getLong(1);
                        hold = new FeeHold(row.getString(2), row.getBigDecimal(3).toBigIntegerExact(), feeCap,
                                row.getTimestamp(4).toInstant());
                    }
                }
            }
            return new LaneStatus(lane.index(), lane.signer().getAddress(), owner, epoch, nextNonceHere.isPresent(),
                    nextNonceHere.orElse(null), inFlight, oldest, held, hold);
        } catch (final SQLException e) {
            throw new Attempts.AttemptStoreException("cannot read the status of " + lane, e);
        }
    }
}
