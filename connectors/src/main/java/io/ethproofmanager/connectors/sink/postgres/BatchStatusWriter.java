package io.ethproofmanager.connectors.sink.postgres;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.ValidationStatus;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** Writes batch status records to {@code eth_proof_manager} (never backwards) and {@code eth_proof_manager_history}. */
public final class BatchStatusWriter {

    /**
     * Every batch's row in one statement: the records come as one array per column, unnested into rows (one round trip
     * and one statement for the whole batch instead of one execution per row).
     */
    private static final String UPSERT_CURRENT = """
            INSERT INTO eth_proof_manager (chain_id, l1_batch_number, status, version, proof_gen_data_blob_url,
                protocol_version, proof_blob_url, assigned_to, sent_proof_request_tx_hash,
                sent_proof_validation_result_tx_hash, validation_status, fallback_reason, created_at, updated_at)
            SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[])
            ON CONFLICT (chain_id, l1_batch_number) DO UPDATE SET
                status = EXCLUDED.status,
                version = EXCLUDED.version,
                proof_gen_data_blob_url = EXCLUDED.proof_gen_data_blob_url,
                protocol_version = EXCLUDED.protocol_version,
                proof_blob_url = EXCLUDED.proof_blob_url,
                assigned_to = EXCLUDED.assigned_to,
                sent_proof_request_tx_hash = EXCLUDED.sent_proof_request_tx_hash,
                sent_proof_validation_result_tx_hash = EXCLUDED.sent_proof_validation_result_tx_hash,
                validation_status = EXCLUDED.validation_status,
                fallback_reason = EXCLUDED.fallback_reason,
                created_at = EXCLUDED.created_at,
                updated_at = EXCLUDED.updated_at
            WHERE eth_proof_manager.version < EXCLUDED.version""";

    /** Every record's history row in one statement, the same way. */
    private static final String INSERT_HISTORY = """
            INSERT INTO eth_proof_manager_history (chain_id, l1_batch_number, version, status, record, changed_at)
            SELECT chain_id, l1_batch_number, version, status, record::jsonb, changed_at
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[])
                AS h (chain_id, l1_batch_number, version, status, record, changed_at)
            ON CONFLICT DO NOTHING""";

    private final DataSource dataSource;

    public BatchStatusWriter(final DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Writes {@code records} in one transaction: every record into the history, and each batch's highest version into
     * its current row unless that row already has this version or a later one.
     *
     * @return how many current rows were inserted or moved forward (at most one per batch)
     * @throws SQLException when the database refuses or cannot be reached; then nothing was written
     */
    public int write(final List<BatchStatusRecord> records) throws SQLException {
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            return 0;
        }
        try (Connection connection = dataSource.getConnection()) {
            final boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                final int changed = writeInTransaction(connection, records);
                connection.commit();
                connection.setAutoCommit(autoCommit);
                return changed;
            } catch (final SQLException | RuntimeException e) {
                rollbackQuietly(connection, autoCommit, e);
                throw e;
            }
        }
    }

    private static int writeInTransaction(final Connection connection, final List<BatchStatusRecord> records)
            throws SQLException {
        insertHistory(connection, records);
        return upsertCurrent(connection, latestPerBatch(records));
    }

    /** The highest version of each batch, in batch order so that concurrent writers lock rows in the same order. */
    private static List<BatchStatusRecord> latestPerBatch(final Collection<BatchStatusRecord> records) {
        final BinaryOperator<BatchStatusRecord> later = (a, b) -> a.version() >= b.version() ? a : b;
        final Map<BatchId, BatchStatusRecord> latest = records.stream()
                .collect(Collectors.toMap(BatchStatusRecord::batchId, r -> r, later));
        return latest.values().stream().sorted(Comparator.comparing(BatchStatusRecord::batchId)).toList();
    }

    private static void insertHistory(final Connection connection, final List<BatchStatusRecord> records)
            throws SQLException {
        final int n = records.size();
        final Long[] chainIds = new Long[n];
        final Long[] batchNumbers = new Long[n];
        final Long[] versions = new Long[n];
        final String[] statuses = new String[n];
        final String[] json = new String[n];
        final String[] changedAt = new String[n];
        for (int i = 0; i < n; i++) {
            final BatchStatusRecord record = records.get(i);
            chainIds[i] = record.chainId();
            batchNumbers[i] = record.batchNumber();
            versions[i] = record.version();
            statuses[i] = record.status().wireName();
            json[i] = new String(RecordJson.toBytes(record), StandardCharsets.UTF_8);
            changedAt[i] = timestamp(record.updatedAt());
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_HISTORY)) {
            insert.setArray(1, connection.createArrayOf("bigint", chainIds));
            insert.setArray(2, connection.createArrayOf("bigint", batchNumbers));
            insert.setArray(3, connection.createArrayOf("bigint", versions));
            insert.setArray(4, connection.createArrayOf("text", statuses));
            insert.setArray(5, connection.createArrayOf("text", json));
            insert.setArray(6, connection.createArrayOf("text", changedAt));
            insert.executeUpdate();
        }
    }

    private static int upsertCurrent(final Connection connection, final List<BatchStatusRecord> latest)
            throws SQLException {
        final int n = latest.size();
        final Object[][] columns = new Object[14][n];
        for (int i = 0; i < n; i++) {
            final BatchStatusRecord record = latest.get(i);
            columns[0][i] = record.chainId();
            columns[1][i] = record.batchNumber();
            columns[2][i] = record.status().wireName();
            columns[3][i] = record.version();
            columns[4][i] = record.proofGenDataBlobUrl();
            columns[5][i] = Optional.ofNullable(record.protocolVersion()).map(ProtocolVersion::toString).orElse(null);
            columns[6][i] = record.proofBlobUrl();
            columns[7][i] = record.assignedNetwork().map(ProvingNetwork::wireName).orElse(null);
            columns[8][i] = record.sentProofRequestTxHash();
            columns[9][i] = record.sentProofValidationResultTxHash();
            columns[10][i] = record.validation().map(ValidationStatus::wireName).orElse(null);
            columns[11][i] = record.fallbackReason();
            columns[12][i] = timestamp(record.createdAt());
            columns[13][i] = timestamp(record.updatedAt());
        }
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT_CURRENT)) {
            for (int column = 0; column < columns.length; column++) {
                final boolean number = column == 0 || column == 1 || column == 3;
                upsert.setArray(column + 1, number
                        ? connection.createArrayOf("bigint", java.util.Arrays.copyOf(columns[column], n, Long[].class))
                        : connection.createArrayOf("text", java.util.Arrays.copyOf(columns[column], n, String[].class)));
            }
            return upsert.executeUpdate();
        }
    }

    /** A timestamp as PostgreSQL reads a timestamptz: ISO-8601 in UTC, to the microsecond it keeps. */
    private static String timestamp(final Instant instant) {
        return instant.toString();
    }

    /** Rolls back and restores auto-commit; failures (a connection that broke) are attached to {@code cause}. */
    private static void rollbackQuietly(final Connection connection, final boolean autoCommit, final Exception cause) {
        try {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        } catch (final SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
