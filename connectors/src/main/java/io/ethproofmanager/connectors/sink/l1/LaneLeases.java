package io.ethproofmanager.connectors.sink.l1;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code l1_sender_lanes} table: who holds each lane (submitter account) now. Taking a lane raises its epoch, which
 * fences every earlier holder: their attempts no longer persist (the check is in {@link Attempts#insert}).
 */
final class LaneLeases {

    private final DataSource dataSource;

    LaneLeases(final DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Takes the lane of {@code fromAddress} for {@code owner}: its epoch goes one up (1 for a lane never taken). Waits for
     * any attempt being persisted under the previous epoch to commit, so that what the new holder reads of the lane's
     * attempts afterwards is all the previous holder can ever have broadcast.
     */
    LaneLease take(final String fromAddress, final String owner) {
        final String sql = "INSERT INTO l1_sender_lanes (from_address, epoch, owner, taken_at) VALUES (?, 1, ?, ?)"
                + " ON CONFLICT (from_address) DO UPDATE SET epoch = l1_sender_lanes.epoch + 1, owner = EXCLUDED.owner,"
                + " taken_at = EXCLUDED.taken_at RETURNING epoch";
        final String address = fromAddress.toLowerCase();
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, address);
            statement.setString(2, owner);
            statement.setTimestamp(3, Timestamp.from(Instant.now()));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new LaneLease(address, rows.getLong(1), owner);
            }
        } catch (final SQLException e) {
            throw new Attempts.AttemptStoreException("cannot take the lane of " + fromAddress + " for " + owner, e);
        }
    }

    /** The lane's current holder, when it was ever taken. */
    Optional<LaneLease> holder(final String fromAddress) {
        final String sql = "SELECT from_address, epoch, owner FROM l1_sender_lanes WHERE from_address = ?";
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, fromAddress.toLowerCase());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(new LaneLease(rows.getString(1), rows.getLong(2), rows.getString(3)))
                        : Optional.empty();
            }
        } catch (final SQLException e) {
            throw new Attempts.AttemptStoreException("cannot read the holder of the lane of " + fromAddress, e);
        }
    }
}
