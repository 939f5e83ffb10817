package io.ethproofmanager.app.status;

import io.ethproofmanager.app.HealthServer;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusWriter;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ValidationStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Batch rows written through the real sink writer, and a status server on a free port, for the status tests. */
final class StatusFixtures {

    static final long CHAIN = 270;
    static final Instant START = Instant.parse("2026-11-01T10:00:00Z");
    static final ProtocolVersion PROTOCOL = new ProtocolVersion(0, 28, 1);

    private StatusFixtures() {
    }

    /** Writes a batch that went through {@code statuses} in order (versions 1..n), one second apart from {@code start}. */
    static void writeJourney(final DataSource dataSource, final long batchNumber, final Instant start,
            final String fallbackReason, final BatchStatus... statuses) throws SQLException {
        final List<BatchStatusRecord> versions = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            versions.add(record(batchNumber, statuses[i], i + 1, start, start.plusSeconds(i), fallbackReason));
        }
        new BatchStatusWriter(dataSource).write(versions);
    }

    private static BatchStatusRecord record(final long batchNumber, final BatchStatus status, final long version,
            final Instant createdAt, final Instant updatedAt, final String fallbackReason) {
        final boolean assigned = status.ordinal() >= BatchStatus.ACKNOWLEDGED.ordinal();
        return new BatchStatusRecord(CHAIN, batchNumber, status, version, "https://blobs.example/" + batchNumber, PROTOCOL,
                null, assigned ? ProvingNetwork.FERMAH : null,
                status.ordinal() >= BatchStatus.REQUEST_SENT_TO_L1.ordinal() ? "0xrequest" + batchNumber : null, null,
                status == BatchStatus.VALIDATION_RESULT_SENT_TO_L1 ? ValidationStatus.SUCCESSFUL : null,
                status == BatchStatus.FALLEN_BACK ? fallbackReason : null, createdAt, updatedAt);
    }

    /** Inserts {@code count} held (never broadcast) L1 transaction attempts for one batch. */
    static void writeHeldAttempts(final DataSource dataSource, final long batchNumber, final int count) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO l1_transaction_attempts (command_id, attempt, kind, chain_id, l1_batch_number, from_address,
                    max_fee_per_gas, max_priority_fee_per_gas, state, created_at, updated_at)
                VALUES (?, ?, 'submit_proof_request', ?, ?, '0xsubmitter', 100, 1, 'held_fee_cap', ?, ?)""")) {
            for (int attempt = 1; attempt <= count; attempt++) {
                insert.setString(1, "request-" + batchNumber);
                insert.setInt(2, attempt);
                insert.setLong(3, CHAIN);
                insert.setLong(4, batchNumber);
                insert.setTimestamp(5, Timestamp.from(START));
                insert.setTimestamp(6, Timestamp.from(START));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    static NetworkAnalytics fermahAnalytics() {
        return new NetworkAnalytics(ProvingNetwork.FERMAH, 7, 6, 1, 5, 4, 1, 2L, 1, 2.5, 9.0, 120.0, 300.0, 1_500_000, 250_000, START);
    }

    /** The health server with the status API's routes, on a free port. */
    static HealthServer serve(final DataSource dataSource, final Supplier<Map<ProvingNetwork, NetworkAnalytics>> networks) {
        return serve(new StatusApi(new BatchStatusQueries(dataSource), networks));
    }

    /** The health server with {@code api}'s routes, on a free port. */
    static HealthServer serve(final StatusApi api) {
        return HealthServer.start(0, Map.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), api.routes());
    }
}
