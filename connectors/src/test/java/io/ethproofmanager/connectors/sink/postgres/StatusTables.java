package io.ethproofmanager.connectors.sink.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads what the sink wrote to {@code eth_proof_manager} and {@code eth_proof_manager_history}. */
final class StatusTables {

    /** The columns of a current row that the tests look at. */
    record Row(String status, long version, String protocolVersion, String assignedTo, String validationStatus,
            String sentProofRequestTxHash, Instant createdAt, Instant updatedAt) {
    }

    private final DataSource dataSource;

    StatusTables(final DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Optional<Row> row(final long chainId, final long batchNumber) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        SELECT status, version, protocol_version, assigned_to, validation_status, sent_proof_request_tx_hash,
                               created_at, updated_at
                        FROM eth_proof_manager WHERE chain_id = ? AND l1_batch_number = ?""")) {
            s.setLong(1, chainId);
            s.setLong(2, batchNumber);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getObject(7, OffsetDateTime.class).toInstant(),
                        rs.getObject(8, OffsetDateTime.class).toInstant()));
            }
        }
    }

    /** Current version of every batch of the chain, by batch number. */
    Map<Long, Long> versions(final long chainId) throws SQLException {
        final Map<Long, Long> versions = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT l1_batch_number, version FROM eth_proof_manager WHERE chain_id = ?")) {
            s.setLong(1, chainId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return versions;
    }

    /** History rows of one batch as "version:status", in version order. */
    List<String> history(final long chainId, final long batchNumber) throws SQLException {
        final List<String> history = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        SELECT version, status, record ->> 'status' FROM eth_proof_manager_history
                        WHERE chain_id = ? AND l1_batch_number = ? ORDER BY version""")) {
            s.setLong(1, chainId);
            s.setLong(2, batchNumber);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getString(2).equals(rs.getString(3))) {
                        throw new IllegalStateException("history status " + rs.getString(2) + " differs from its record's");
                    }
                    history.add(rs.getLong(1) + ":" + rs.getString(2));
                }
            }
        }
        return history;
    }

    long historyCount() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM eth_proof_manager_history")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
