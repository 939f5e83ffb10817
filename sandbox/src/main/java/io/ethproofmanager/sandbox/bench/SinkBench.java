package io.ethproofmanager.sandbox.bench;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusSink;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusSinkSettings;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ethproofmanager.schemas.RecordJson;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Status records into PostgreSQL through the sink (Kafka, decode, history rows and the 14-column upsert in one transaction
 * per poll, offsets committed after it), beside a raw batched JDBC loop that does the same database work: the same
 * history rows (with the record's JSON) and the same upsert, in transactions of the sink's batch size.
 *
 * <p>Both write {@code warmUp} rows first; the figure covers the {@code count} rows after them, so the sink's start-up
 * and first rebalance are left out (and printed beside it). The sink's progress is read from its rows counter.
 */
final class SinkBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Instant AT = Instant.parse("2026-11-25T00:00:00Z");
    static final String RAW_JDBC = "D";
    static final String SINK = "E";
    private static final String HISTORY = """
            INSERT INTO eth_proof_manager_history (chain_id, l1_batch_number, version, status, record, changed_at)
            VALUES (?, ?, ?, ?, ?::jsonb, ?)
            ON CONFLICT DO NOTHING""";
    private static final String UPSERT = """
            INSERT INTO eth_proof_manager (chain_id, l1_batch_number, status, version, proof_gen_data_blob_url,
                protocol_version, proof_blob_url, assigned_to, sent_proof_request_tx_hash,
                sent_proof_validation_result_tx_hash, validation_status, fallback_reason, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chain_id, l1_batch_number) DO UPDATE SET status = EXCLUDED.status, version = EXCLUDED.version,
                proof_gen_data_blob_url = EXCLUDED.proof_gen_data_blob_url, protocol_version = EXCLUDED.protocol_version,
                proof_blob_url = EXCLUDED.proof_blob_url, assigned_to = EXCLUDED.assigned_to,
                sent_proof_request_tx_hash = EXCLUDED.sent_proof_request_tx_hash,
                sent_proof_validation_result_tx_hash = EXCLUDED.sent_proof_validation_result_tx_hash,
                validation_status = EXCLUDED.validation_status, fallback_reason = EXCLUDED.fallback_reason,
                created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
            WHERE eth_proof_manager.version < EXCLUDED.version""";

    private final String bootstrapServers;
    private final Database database;
    private final ManagerSettings settings;
    private final BenchTopics topics;
    private final int warmUp;

    SinkBench(final String bootstrapServers, final Database database, final ManagerSettings settings, final int warmUp) {
        this.bootstrapServers = bootstrapServers;
        this.database = database;
        this.settings = settings;
        this.topics = new BenchTopics(bootstrapServers);
        this.warmUp = warmUp;
    }

    BenchCommand.Figure rawJdbc(final int count, final int round) {
        final long chainId = 1000 + round * 2L;
        final int batchSize = settings.config().getInt("epm.postgres-sink.max-batch-size");
        final long began;
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement history = c.prepareStatement(HISTORY);
                PreparedStatement upsert = c.prepareStatement(UPSERT)) {
            c.setAutoCommit(false);
            writeRaw(c, history, upsert, chainId, 0, warmUp, batchSize);
            began = System.nanoTime();
            writeRaw(c, history, upsert, chainId, warmUp, warmUp + count, batchSize);
        } catch (final SQLException e) {
            throw new IllegalStateException("raw JDBC loop failed", e);
        }
        final long ended = System.nanoTime();
        requireRows(chainId, warmUp + count);
        return BenchCommand.Figure.of(RAW_JDBC, "raw batched JDBC: history + 14-column upsert, " + batchSize + " per transaction", count,
                ended - began);
    }

    private static void writeRaw(final Connection c, final PreparedStatement history, final PreparedStatement upsert,
            final long chainId, final int from, final int to, final int batchSize) throws SQLException {
        for (int i = from; i < to; i++) {
            final BatchStatusRecord r = record(chainId, i);
            history.setLong(1, r.chainId());
            history.setLong(2, r.batchNumber());
            history.setLong(3, r.version());
            history.setString(4, r.status().wireName());
            history.setString(5, new String(RecordJson.toBytes(r), StandardCharsets.UTF_8));
            history.setObject(6, OffsetDateTime.ofInstant(r.updatedAt(), ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            history.addBatch();
            upsert.setLong(1, r.chainId());
            upsert.setLong(2, r.batchNumber());
            upsert.setString(3, r.status().wireName());
            upsert.setLong(4, r.version());
            upsert.setString(5, r.proofGenDataBlobUrl());
            upsert.setString(6, null);
            upsert.setString(7, r.proofBlobUrl());
            upsert.setString(8, null);
            upsert.setString(9, r.sentProofRequestTxHash());
            upsert.setString(10, r.sentProofValidationResultTxHash());
            upsert.setString(11, null);
            upsert.setString(12, r.fallbackReason());
            upsert.setObject(13, OffsetDateTime.ofInstant(r.createdAt(), ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            upsert.setObject(14, OffsetDateTime.ofInstant(r.updatedAt(), ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            upsert.addBatch();
            if ((i - from + 1) % batchSize == 0 || i == to - 1) {
                history.executeBatch();
                upsert.executeBatch();
                c.commit();
            }
        }
    }

    BenchCommand.Figure postgresSink(final int count, final int round) {
        final long chainId = 1001 + round * 2L;
        final String topic = "bench.status." + round;
        topics.recreate(List.of(topic));
        topics.produce(topic, warmUp + count, i -> new byte[][] {
                Topics.BATCH_STATUS.keySerde().encode(new BatchId(chainId, i)),
                Topics.BATCH_STATUS.valueSerde().encode(record(chainId, i))});
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final long began = System.nanoTime();
        try (BatchStatusSink sink = new BatchStatusSink(
                BatchStatusSinkSettings.from(settings.config(), bootstrapServers, "bench-sink-" + round).withTopic(topic),
                database.dataSource(), meters)) {
            sink.start();
            final Counter rows = meters.get("epm_postgres_sink_rows_total").counter();
            final long warm = awaitCount(rows, warmUp);
            final long done = awaitCount(rows, warmUp + count);
            requireRows(chainId, warmUp + count);
            return BenchCommand.Figure.of(SINK, "Postgres sink: Kafka -> history + upsert (max " + settings.config().getInt("epm.postgres-sink.max-batch-size")
                    + " per poll)", count, done - warm).withStartUp(Duration.ofNanos(warm - began)).comparedWith(RAW_JDBC);
        }
    }

    /** Waits until the sink's rows counter reaches {@code count}; returns when it did. */
    private static long awaitCount(final Counter rows, final long count) {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (rows.count() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (long) rows.count() + " of " + count + " rows after " + TIMEOUT.toSeconds() + " s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        return System.nanoTime();
    }

    private static BatchStatusRecord record(final long chainId, final int i) {
        return new BatchStatusRecord(chainId, i, BatchStatus.READY_TO_BE_PROVEN, 1, "https://blobs.example/" + i + ".bin",
                null, null, null, null, null, null, null, AT, AT);
    }

    private void requireRows(final long chainId, final long count) {
        final long found = rows(chainId);
        if (found != count) {
            throw new IllegalStateException("wrote " + found + " rows, expected " + count);
        }
    }

    private long rows(final long chainId) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM eth_proof_manager WHERE chain_id = ?")) {
            s.setLong(1, chainId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot count rows", e);
        }
    }
}
