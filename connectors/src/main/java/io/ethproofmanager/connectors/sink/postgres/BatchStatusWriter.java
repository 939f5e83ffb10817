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
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
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

    private static final String UPSERT_CURRENT = """
            INSERT INTO eth_proof_manager (chain_id, l1_batch_number, status, version, proof_gen_data_blob_url,
                protocol_version, proof_blob_url, assigned_to, sent_proof_request_tx_hash,
                sent_proof_validation_result_tx_hash, validation_status, fallback_reason, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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

    private static final String INSERT_HISTORY = """
            INSERT INTO eth_proof_manager_history (chain_id, l1_batch_number, version, status, record, changed_at)
            VALUES (?, ?, ?, ?, ?::jsonb, ?)
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
        try (PreparedStatement insert = connection.prepareStatement(INSERT_HISTORY)) {
            for (final BatchStatusRecord record : records) {
                insert.setLong(1, record.chainId());
                insert.setLong(2, record.batchNumber());
                insert.setLong(3, record.version());
                insert.setString(4, record.status().wireName());
                insert.setString(5, new String(RecordJson.toBytes(record), StandardCharsets.UTF_8));
                insert.setObject(6, timestamp(record.updatedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static int upsertCurrent(final Connection connection, final List<BatchStatusRecord> latest)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT_CURRENT)) {
            for (final BatchStatusRecord record : latest) {
                bindCurrent(upsert, record);
                upsert.addBatch();
            }
            return Arrays.stream(upsert.executeBatch()).filter(count -> count > 0).sum();
        }
    }

    private static void bindCurrent(final PreparedStatement upsert, final BatchStatusRecord record) throws SQLException {
        upsert.setLong(1, record.chainId());
        upsert.setLong(2, record.batchNumber());
        upsert.setString(3, record.status().wireName());
        upsert.setLong(4, record.version());
        upsert.setString(5, record.proofGenDataBlobUrl());
        upsert.setString(6, Optional.ofNullable(record.protocolVersion()).map(ProtocolVersion::toString).orElse(null));
        upsert.setString(7, record.proofBlobUrl());
        upsert.setString(8, record.assignedNetwork().map(ProvingNetwork::wireName).orElse(null));
        upsert.setString(9, record.sentProofRequestTxHash());
        upsert.setString(10, record.sentProofValidationResultTxHash());
        upsert.setString(11, record.validation().map(ValidationStatus::wireName).orElse(null));
        upsert.setString(12, record.fallbackReason());
        upsert.setObject(13, timestamp(record.createdAt()), Types.TIMESTAMP_WITH_TIMEZONE);
        upsert.setObject(14, timestamp(record.updatedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    private static OffsetDateTime timestamp(final Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
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
