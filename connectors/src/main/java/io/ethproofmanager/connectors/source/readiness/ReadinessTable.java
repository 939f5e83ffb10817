package io.ethproofmanager.connectors.source.readiness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The checker's SQL: due batches of {@code proof_generation_details} and its progress in {@code eth_proof_manager_readiness}. */
final class ReadinessTable {

    /** A rollup batch whose proof generation data is ready and not yet published; {@code attempts} failed so far. */
    record DueBatch(long batchNumber, String blobLocation, int attempts) {
    }

    private static final String SELECT_DUE = """
            SELECT d.l1_batch_number, d.proof_gen_data_blob_url, COALESCE(r.attempts, 0)
              FROM proof_generation_details d
              LEFT JOIN eth_proof_manager_readiness r ON r.l1_batch_number = d.l1_batch_number
             WHERE d.proof_gen_data_blob_url IS NOT NULL
               AND (r.l1_batch_number IS NULL
                    OR (r.published_at IS NULL AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)))
             ORDER BY d.l1_batch_number
             LIMIT ?""";

    private static final String RECORD_PUBLISHED = """
            INSERT INTO eth_proof_manager_readiness AS r
                   (l1_batch_number, public_blob_url, published_at, attempts, next_attempt_at, last_error)
            VALUES (?, ?, ?, 1, NULL, NULL)
            ON CONFLICT (l1_batch_number) DO UPDATE
               SET public_blob_url = EXCLUDED.public_blob_url, published_at = EXCLUDED.published_at,
                   attempts = r.attempts + 1, next_attempt_at = NULL, last_error = NULL
             WHERE r.published_at IS NULL""";

    private static final String RECORD_FAILURE = """
            INSERT INTO eth_proof_manager_readiness AS r
                   (l1_batch_number, public_blob_url, published_at, attempts, next_attempt_at, last_error)
            VALUES (?, NULL, NULL, 1, ?, ?)
            ON CONFLICT (l1_batch_number) DO UPDATE
               SET attempts = r.attempts + 1, next_attempt_at = EXCLUDED.next_attempt_at, last_error = EXCLUDED.last_error
             WHERE r.published_at IS NULL""";

    private static final int MAX_ERROR_LENGTH = 4000;

    private final DataSource dataSource;

    ReadinessTable(final DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Up to {@code limit} unpublished ready batches that are due at {@code now}, lowest batch number first. */
    List<DueBatch> due(final Instant now, final int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SELECT_DUE)) {
            s.setObject(1, utc(now));
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                final List<DueBatch> due = new ArrayList<>();
                while (rs.next()) {
                    due.add(new DueBatch(rs.getLong(1), rs.getString(2), rs.getInt(3)));
                }
                return due;
            }
        } catch (final SQLException e) {
            throw new ReadinessDatabaseException("cannot select the batches due for readiness: " + e.getMessage(), e);
        }
    }

    void recordPublished(final long batchNumber, final String publicUrl, final Instant publishedAt) {
        execute(RECORD_PUBLISHED, "record batch " + batchNumber + " as published", s -> {
            s.setLong(1, batchNumber);
            s.setString(2, publicUrl);
            s.setObject(3, utc(publishedAt));
        });
    }

    void recordFailure(final long batchNumber, final Instant nextAttemptAt, final String error) {
        execute(RECORD_FAILURE, "record the failure of batch " + batchNumber, s -> {
            s.setLong(1, batchNumber);
            s.setObject(2, utc(nextAttemptAt));
            s.setString(3, error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error);
        });
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private void execute(final String sql, final String what, final Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            s.executeUpdate();
        } catch (final SQLException e) {
            throw new ReadinessDatabaseException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static OffsetDateTime utc(final Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
