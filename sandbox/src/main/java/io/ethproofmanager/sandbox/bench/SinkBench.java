package io.ethproofmanager.sandbox.bench;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusSink;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusSinkSettings;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Status records into PostgreSQL through the sink (Kafka → batched upsert + history), beside a raw batched JDBC upsert loop. */
final class SinkBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final int JDBC_BATCH = 500;
    private static final Instant AT = Instant.parse("2026-11-25T00:00:00Z");

    private final String bootstrapServers;
    private final Database database;
    private final ManagerSettings settings;
    private final BenchTopics topics;

    SinkBench(final String bootstrapServers, final Database database, final ManagerSettings settings) {
        this.bootstrapServers = bootstrapServers;
        this.database = database;
        this.settings = settings;
        this.topics = new BenchTopics(bootstrapServers);
    }

    BenchCommand.Figure rawJdbcUpsert(final int count, final int round) {
        final long chainId = 1000 + round * 2L;
        final long began = System.nanoTime();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement upsert = c.prepareStatement("""
                        INSERT INTO eth_proof_manager (chain_id, l1_batch_number, status, version, proof_gen_data_blob_url,
                            created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (chain_id, l1_batch_number) DO UPDATE SET status = EXCLUDED.status,
                            version = EXCLUDED.version, proof_gen_data_blob_url = EXCLUDED.proof_gen_data_blob_url,
                            updated_at = EXCLUDED.updated_at
                        WHERE eth_proof_manager.version < EXCLUDED.version""")) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                final BatchStatusRecord r = record(chainId, i);
                upsert.setLong(1, r.chainId());
                upsert.setLong(2, r.batchNumber());
                upsert.setString(3, r.status().wireName());
                upsert.setLong(4, r.version());
                upsert.setString(5, r.proofGenDataBlobUrl());
                upsert.setTimestamp(6, Timestamp.from(r.createdAt()));
                upsert.setTimestamp(7, Timestamp.from(r.updatedAt()));
                upsert.addBatch();
                if ((i + 1) % JDBC_BATCH == 0 || i == count - 1) {
                    upsert.executeBatch();
                    c.commit();
                }
            }
        } catch (final SQLException e) {
            throw new IllegalStateException("raw JDBC upsert loop failed", e);
        }
        requireRows(chainId, count);
        return new BenchCommand.Figure("raw batched JDBC upsert loop (rows only, batches of " + JDBC_BATCH + ")", count,
                System.nanoTime() - began);
    }

    BenchCommand.Figure postgresSink(final int count, final int round) {
        final long chainId = 1001 + round * 2L;
        final String topic = "bench.status." + round;
        topics.recreate(List.of(topic));
        topics.produce(topic, count, i -> new byte[][] {
                Topics.BATCH_STATUS.keySerde().encode(new BatchId(chainId, i)),
                Topics.BATCH_STATUS.valueSerde().encode(record(chainId, i))});
        final var sinkSettings = BatchStatusSinkSettings.from(settings.config(), bootstrapServers, "bench-sink-" + round).withTopic(topic);
        final long began = System.nanoTime();
        try (BatchStatusSink sink = new BatchStatusSink(sinkSettings, database.dataSource(), new SimpleMeterRegistry())) {
            sink.start();
            awaitRows(chainId, count);
            return new BenchCommand.Figure("Postgres sink: Kafka -> upsert + history (batches of " + sinkSettings.maxBatchSize() + ")",
                    count, System.nanoTime() - began);
        }
    }

    private static BatchStatusRecord record(final long chainId, final int i) {
        return new BatchStatusRecord(chainId, i, BatchStatus.READY_TO_BE_PROVEN, 1, "https://blobs.example/" + i + ".bin",
                null, null, null, null, null, null, null, AT, AT);
    }

    private void awaitRows(final long chainId, final long count) {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (rows(chainId) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + rows(chainId) + " of " + count + " rows after " + TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for sink rows", e);
            }
        }
    }

    private void requireRows(final long chainId, final long count) {
        final long found = rows(chainId);
        if (found != count) {
            throw new IllegalStateException("raw upsert wrote " + found + " rows, expected " + count);
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
