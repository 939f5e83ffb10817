package io.ethproofmanager.connectors.source.readiness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;

/** A row of {@code eth_proof_manager_readiness} as the tests read it. */
record ReadinessRow(long batchNumber, Optional<String> publicBlobUrl, Optional<Instant> publishedAt, int attempts,
        Optional<Instant> nextAttemptAt, Optional<String> lastError) {

    static Optional<ReadinessRow> of(final DataSource dataSource, final long batchNumber) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT public_blob_url, published_at, attempts, next_attempt_at, last_error
                  FROM eth_proof_manager_readiness WHERE l1_batch_number = ?""")) {
            s.setLong(1, batchNumber);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ReadinessRow(batchNumber, Optional.ofNullable(rs.getString(1)), instant(rs, 2),
                        rs.getInt(3), instant(rs, 4), Optional.ofNullable(rs.getString(5))));
            }
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot read the readiness row of batch " + batchNumber, e);
        }
    }

    static ReadinessRow existing(final DataSource dataSource, final long batchNumber) {
        return of(dataSource, batchNumber).orElseThrow(() -> new AssertionError("no readiness row for batch " + batchNumber));
    }

    static void execute(final DataSource dataSource, final String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot execute " + sql, e);
        }
    }

    private static Optional<Instant> instant(final ResultSet rs, final int column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }
}
