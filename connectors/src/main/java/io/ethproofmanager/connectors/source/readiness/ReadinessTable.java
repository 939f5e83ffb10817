package io.ethproofmanager.connectors.source.readiness;

import io.ethproofmanager.connectors.db.ProofGenerationDetails;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The checker's SQL for one rollup chain: the chain's due batches of {@code proof_generation_details} and its progress
 * in {@code eth_proof_manager_readiness}, keyed by (chain id, batch). When the rollup's table is in the manager's
 * database the two are joined in one query; when it is in a database of its own, the rollup's rows are read in pages
 * from the lowest batch not yet known published (kept in memory, from 0 at start) and matched against the progress rows.
 */
final class ReadinessTable {

    /** A rollup batch whose proof generation data is ready and not yet published; {@code attempts} failed so far. */
    record DueBatch(long batchNumber, String blobLocation, int attempts) {
    }

    /** A batch's progress row: published, or {@code attempts} failures and the time of the next attempt. */
    private record Progress(boolean published, int attempts, OffsetDateTime nextAttemptAt) {
    }

    /** A row of the rollup's table: its batch number and, once ready, its blob's location. */
    private record RollupRow(long batchNumber, String blobLocation) {
    }

    private static final String SELECT_DUE_JOINED = """
            SELECT d.l1_batch_number, d.proof_gen_data_blob_url, COALESCE(r.attempts, 0)
              FROM %s d
              LEFT JOIN eth_proof_manager_readiness r ON r.chain_id = ? AND r.l1_batch_number = d.l1_batch_number
             WHERE d.proof_gen_data_blob_url IS NOT NULL
               AND (r.l1_batch_number IS NULL
                    OR (r.published_at IS NULL AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)))
             ORDER BY d.l1_batch_number
             LIMIT ?""";

    private static final String SELECT_ROLLUP_PAGE = """
            SELECT l1_batch_number, proof_gen_data_blob_url FROM %s
             WHERE l1_batch_number >= ? ORDER BY l1_batch_number LIMIT ?""";

    private static final String SELECT_PROGRESS = """
            SELECT l1_batch_number, published_at IS NOT NULL, attempts, next_attempt_at FROM eth_proof_manager_readiness
             WHERE chain_id = ? AND l1_batch_number BETWEEN ? AND ?""";

    private static final String RECORD_PUBLISHED = """
            INSERT INTO eth_proof_manager_readiness AS r
                   (chain_id, l1_batch_number, public_blob_url, published_at, attempts, next_attempt_at, last_error)
            VALUES (?, ?, ?, ?, 1, NULL, NULL)
            ON CONFLICT (chain_id, l1_batch_number) DO UPDATE
               SET public_blob_url = EXCLUDED.public_blob_url, published_at = EXCLUDED.published_at,
                   attempts = r.attempts + 1, next_attempt_at = NULL, last_error = NULL
             WHERE r.published_at IS NULL""";

    private static final String RECORD_FAILURE = """
            INSERT INTO eth_proof_manager_readiness AS r
                   (chain_id, l1_batch_number, public_blob_url, published_at, attempts, next_attempt_at, last_error)
            VALUES (?, ?, NULL, NULL, 1, ?, ?)
            ON CONFLICT (chain_id, l1_batch_number) DO UPDATE
               SET attempts = r.attempts + 1, next_attempt_at = EXCLUDED.next_attempt_at, last_error = EXCLUDED.last_error
             WHERE r.published_at IS NULL""";

    private static final int MAX_ERROR_LENGTH = 4000;
    /** Rollup rows read per page from a database of its own, and pages read per round at most. */
    private static final int PAGE_ROWS = 500;
    private static final int MAX_PAGES_PER_ROUND = 20;

    private final DataSource progress;
    private final long chainId;
    private final ProofGenerationDetails details;
    /** Database of its own: every rollup row below this is published (or was when read); the scan starts here. */
    private long scanFrom = Long.MIN_VALUE;

    ReadinessTable(final DataSource progress, final long chainId, final ProofGenerationDetails details) {
        this.progress = Objects.requireNonNull(progress, "progress");
        this.chainId = chainId;
        this.details = Objects.requireNonNull(details, "details");
    }

    /** Up to {@code limit} unpublished ready batches of the chain that are due at {@code now}, lowest batch number first. */
    List<DueBatch> due(final Instant now, final int limit) {
        try {
            return details.inManagerDatabase() ? joined(now, limit) : scanned(now, limit);
        } catch (final SQLException e) {
            throw new ReadinessDatabaseException("cannot select the batches of chain " + chainId + " due for readiness from "
                    + details + ": " + e.getMessage(), e);
        }
    }

    private List<DueBatch> joined(final Instant now, final int limit) throws SQLException {
        try (Connection c = progress.getConnection();
                PreparedStatement s = c.prepareStatement(SELECT_DUE_JOINED.formatted(details.table()))) {
            s.setLong(1, chainId);
            s.setObject(2, utc(now));
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                final List<DueBatch> due = new ArrayList<>();
                while (rs.next()) {
                    due.add(new DueBatch(rs.getLong(1), rs.getString(2), rs.getInt(3)));
                }
                return due;
            }
        }
    }

    /**
     * The rollup's rows from {@link #scanFrom} on, page by page, matched against the progress rows; the scan's start
     * moves past the rows that are published from its start on without a gap (a row not ready stops it).
     */
    private List<DueBatch> scanned(final Instant now, final int limit) throws SQLException {
        final List<DueBatch> due = new ArrayList<>();
        long from = scanFrom;
        long publishedPrefixEnd = scanFrom;
        boolean prefix = true;
        for (int page = 0; page < MAX_PAGES_PER_ROUND && due.size() < limit; page++) {
            final List<RollupRow> rows = rollupPage(from);
            if (rows.isEmpty()) {
                break;
            }
            final Map<Long, Progress> known = progress(rows.getFirst().batchNumber(), rows.getLast().batchNumber());
            for (final RollupRow row : rows) {
                final Progress p = known.get(row.batchNumber());
                final boolean published = p != null && p.published();
                if (prefix && published) {
                    publishedPrefixEnd = row.batchNumber() + 1;
                } else {
                    prefix = false;
                }
                if (row.blobLocation() != null && !published && due.size() < limit
                        && (p == null || p.nextAttemptAt() == null || !p.nextAttemptAt().toInstant().isAfter(now))) {
                    due.add(new DueBatch(row.batchNumber(), row.blobLocation(), p == null ? 0 : p.attempts()));
                }
            }
            if (rows.size() < PAGE_ROWS) {
                break;
            }
            from = rows.getLast().batchNumber() + 1;
        }
        scanFrom = publishedPrefixEnd;
        return due;
    }

    private List<RollupRow> rollupPage(final long from) throws SQLException {
        try (Connection c = details.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(SELECT_ROLLUP_PAGE.formatted(details.table()))) {
            s.setLong(1, from);
            s.setInt(2, PAGE_ROWS);
            try (ResultSet rs = s.executeQuery()) {
                final List<RollupRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new RollupRow(rs.getLong(1), rs.getString(2)));
                }
                return rows;
            }
        }
    }

    private Map<Long, Progress> progress(final long first, final long last) throws SQLException {
        try (Connection c = progress.getConnection(); PreparedStatement s = c.prepareStatement(SELECT_PROGRESS)) {
            s.setLong(1, chainId);
            s.setLong(2, first);
            s.setLong(3, last);
            try (ResultSet rs = s.executeQuery()) {
                final Map<Long, Progress> rows = new HashMap<>();
                while (rs.next()) {
                    rows.put(rs.getLong(1), new Progress(rs.getBoolean(2), rs.getInt(3), rs.getObject(4, OffsetDateTime.class)));
                }
                return rows;
            }
        }
    }

    void recordPublished(final long batchNumber, final String publicUrl, final Instant publishedAt) {
        execute(RECORD_PUBLISHED, "record batch " + chainId + ":" + batchNumber + " as published", s -> {
            s.setLong(1, chainId);
            s.setLong(2, batchNumber);
            s.setString(3, publicUrl);
            s.setObject(4, utc(publishedAt));
        });
    }

    void recordFailure(final long batchNumber, final Instant nextAttemptAt, final String error) {
        execute(RECORD_FAILURE, "record the failure of batch " + chainId + ":" + batchNumber, s -> {
            s.setLong(1, chainId);
            s.setLong(2, batchNumber);
            s.setObject(3, utc(nextAttemptAt));
            s.setString(4, error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error);
        });
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private void execute(final String sql, final String what, final Binder binder) {
        try (Connection c = progress.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
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
