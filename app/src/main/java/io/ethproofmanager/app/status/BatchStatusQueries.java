package io.ethproofmanager.app.status;

import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.ValidationStatus;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Read-only queries on {@code eth_proof_manager}, its history and {@code l1_transaction_attempts}, for the status API. */
public final class BatchStatusQueries {

    /** The most rows one query returns. */
    public static final int MAX_LIMIT = 500;

    private static final String COLUMNS = """
            chain_id, l1_batch_number, status, version, proof_gen_data_blob_url, protocol_version, proof_blob_url,
            assigned_to, sent_proof_request_tx_hash, sent_proof_validation_result_tx_hash, validation_status,
            fallback_reason, created_at, updated_at""";
    private static final String ONE_BATCH = "SELECT " + COLUMNS
            + " FROM eth_proof_manager WHERE chain_id = ? AND l1_batch_number = ?";
    private static final String HISTORY = """
            SELECT version, status, changed_at, record::text FROM eth_proof_manager_history
            WHERE chain_id = ? AND l1_batch_number = ? ORDER BY version""";
    private static final String OF_CHAIN = "(?::bigint IS NULL OR chain_id = ?)";
    private static final String COUNTS = "SELECT status, count(*) FROM eth_proof_manager WHERE " + OF_CHAIN
            + " GROUP BY status";
    private static final String FALLBACKS = "SELECT " + COLUMNS + " FROM eth_proof_manager WHERE status = 'fallen_back'"
            + " AND " + OF_CHAIN + " ORDER BY updated_at DESC, l1_batch_number DESC, chain_id LIMIT ?";
    private static final String PAGE = "SELECT " + COLUMNS + " FROM eth_proof_manager WHERE (?::text IS NULL OR status = ?)"
            + " AND " + OF_CHAIN + " ORDER BY l1_batch_number DESC, chain_id LIMIT ? OFFSET ?";
    private static final String PAGE_TOTAL = "SELECT count(*) FROM eth_proof_manager WHERE (?::text IS NULL OR status = ?)"
            + " AND " + OF_CHAIN;
    private static final String TX_ATTEMPTS = "SELECT count(*) FROM l1_transaction_attempts";

    private final DataSource dataSource;

    public BatchStatusQueries(final DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The current row of one batch, when the manager has one. */
    public Optional<BatchStatusRecord> batch(final long chainId, final long batchNumber) {
        return query("batch " + chainId + "/" + batchNumber, ONE_BATCH, statement -> {
            statement.setLong(1, chainId);
            statement.setLong(2, batchNumber);
        }, BatchStatusQueries::rowOf).stream().findFirst();
    }

    /** Every version of one batch, oldest first; empty for a batch never written. */
    public List<HistoryEntry> history(final long chainId, final long batchNumber) {
        return query("history of batch " + chainId + "/" + batchNumber, HISTORY, statement -> {
            statement.setLong(1, chainId);
            statement.setLong(2, batchNumber);
        }, BatchStatusQueries::historyOf);
    }

    /** The queries behind the status page's charts, on the same database. */
    public BatchChartQueries charts() {
        return new BatchChartQueries(dataSource);
    }

    /** How many batches are in each status now; every status is present, zero when none. */
    public Map<BatchStatus, Long> countsByStatus() {
        return countsByStatus(Optional.empty());
    }

    /** How many batches of {@code chain} (every chain when empty) are in each status now; every status is present. */
    public Map<BatchStatus, Long> countsByStatus(final Optional<Long> chain) {
        final Map<BatchStatus, Long> counts = new EnumMap<>(BatchStatus.class);
        Arrays.stream(BatchStatus.values()).forEach(status -> counts.put(status, 0L));
        query("counts by status", COUNTS, statement -> bindChain(statement, 1, chain),
                rows -> Map.entry(BatchStatus.fromWireName(rows.getString(1)), rows.getLong(2)))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
        return counts;
    }

    /** The {@code limit} batches that fell back last, newest first. */
    public List<BatchStatusRecord> recentFallbacks(final int limit) {
        return recentFallbacks(Optional.empty(), limit);
    }

    /** The {@code limit} batches of {@code chain} (every chain when empty) that fell back last, newest first. */
    public List<BatchStatusRecord> recentFallbacks(final Optional<Long> chain, final int limit) {
        checkLimit(limit);
        return query("recent fallbacks", FALLBACKS, statement -> {
            bindChain(statement, 1, chain);
            statement.setInt(3, limit);
        }, BatchStatusQueries::rowOf);
    }

    /** Current rows, highest batch number first, in {@code status} when given. */
    public BatchPage batches(final Optional<BatchStatus> status, final int limit, final int offset) {
        return batches(status, Optional.empty(), limit, offset);
    }

    /** Current rows, highest batch number first, in {@code status} and of {@code chain} when given. */
    public BatchPage batches(final Optional<BatchStatus> status, final Optional<Long> chain, final int limit,
            final int offset) {
        Objects.requireNonNull(status, "status");
        checkLimit(limit);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        final String wireName = status.map(BatchStatus::wireName).orElse(null);
        final List<BatchStatusRecord> rows = query("batches page", PAGE, statement -> {
            statement.setString(1, wireName);
            statement.setString(2, wireName);
            bindChain(statement, 3, chain);
            statement.setInt(5, limit);
            statement.setInt(6, offset);
        }, BatchStatusQueries::rowOf);
        final long total = query("batches total", PAGE_TOTAL, statement -> {
            statement.setString(1, wireName);
            statement.setString(2, wireName);
            bindChain(statement, 3, chain);
        }, resultRows -> resultRows.getLong(1)).getFirst();
        return new BatchPage(status, limit, offset, total, rows);
    }

    /** How many L1 transaction attempts the sender recorded, in every state. */
    public long transactionAttempts() {
        return query("transaction attempts", TX_ATTEMPTS, statement -> { }, rows -> rows.getLong(1)).getFirst();
    }

    /** Binds {@code chain} to the two parameters of {@link #OF_CHAIN} from {@code first}: null matches every chain. */
    private static void bindChain(final PreparedStatement statement, final int first, final Optional<Long> chain)
            throws SQLException {
        Objects.requireNonNull(chain, "chain");
        for (int index = first; index < first + 2; index++) {
            if (chain.isPresent()) {
                statement.setLong(index, chain.get());
            } else {
                statement.setNull(index, java.sql.Types.BIGINT);
            }
        }
    }

    private static void checkLimit(final int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }

    private <T> List<T> query(final String what, final String sql, final Binder binder, final RowMapper<T> mapper) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                final List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
                return result;
            }
        } catch (final SQLException e) {
            throw new StatusQueryException("cannot read " + what + " from the database: " + e.getMessage(), e);
        }
    }

    private static BatchStatusRecord rowOf(final ResultSet rows) throws SQLException {
        return new BatchStatusRecord(rows.getLong("chain_id"), rows.getLong("l1_batch_number"),
                BatchStatus.fromWireName(rows.getString("status")), rows.getLong("version"),
                rows.getString("proof_gen_data_blob_url"),
                Optional.ofNullable(rows.getString("protocol_version")).map(ProtocolVersion::parse).orElse(null),
                rows.getString("proof_blob_url"),
                Optional.ofNullable(rows.getString("assigned_to")).map(BatchStatusQueries::network).orElse(null),
                rows.getString("sent_proof_request_tx_hash"), rows.getString("sent_proof_validation_result_tx_hash"),
                Optional.ofNullable(rows.getString("validation_status")).map(ValidationStatus::fromWireName).orElse(null),
                rows.getString("fallback_reason"), instant(rows, "created_at"), instant(rows, "updated_at"));
    }

    private static HistoryEntry historyOf(final ResultSet rows) throws SQLException {
        return new HistoryEntry(rows.getLong(1), BatchStatus.fromWireName(rows.getString(2)), instant(rows, "changed_at"),
                RecordJson.readTree(rows.getString(4).getBytes(StandardCharsets.UTF_8)));
    }

    private static ProvingNetwork network(final String wireName) {
        return Arrays.stream(ProvingNetwork.values())
                .filter(network -> network.wireName().equals(wireName))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown proving network '" + wireName + "' in eth_proof_manager"));
    }

    private static Instant instant(final ResultSet rows, final String column) throws SQLException {
        return rows.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** Sets a statement's parameters. */
    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Reads one row. */
    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rows) throws SQLException;
    }
}
