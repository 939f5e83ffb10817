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

    /** One step of a batch's journey: its status, seconds after the journey's start. */
    record Step(BatchStatus status, long atSecond) {
    }

    /**
     * Writes a batch of {@code chain} that went through {@code steps} (versions 1..n), assigned to {@code network} from
     * {@code acknowledged} on, its validation result {@code validation} when it reaches it.
     */
    static void writeJourney(final DataSource dataSource, final long chain, final long batchNumber, final Instant start,
            final ProvingNetwork network, final ValidationStatus validation, final Step... steps) throws SQLException {
        final List<BatchStatusRecord> versions = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            final BatchStatus status = steps[i].status();
            final boolean assigned = network != null && status.ordinal() >= BatchStatus.ACKNOWLEDGED.ordinal();
            versions.add(new BatchStatusRecord(chain, batchNumber, status, i + 1, "https://blobs.example/" + batchNumber,
                    PROTOCOL, null, assigned ? network : null,
                    status.ordinal() >= BatchStatus.REQUEST_SENT_TO_L1.ordinal() ? "0xrequest" + batchNumber : null, null,
                    status == BatchStatus.VALIDATION_RESULT_SENT_TO_L1 ? validation : null,
                    status == BatchStatus.FALLEN_BACK ? "refused: test" : null, start,
                    start.plusSeconds(steps[i].atSecond())));
        }
        new BatchStatusWriter(dataSource).write(versions);
    }

    /**
     * Five batches on two chains, times in seconds after {@link #START}: 270/1 ready 0, request 10, acknowledged by
     * Fermah 20, proven 30, validated 40 (valid); 270/2 ready 0, request 10, fallen back 25, never assigned; 270/3 ready 0,
     * request 10, acknowledged by Lagrange 20, proven 30, validated 100 (invalid); 271/1 ready 50, request 60,
     * acknowledged by Fermah 70, proven 80, validated 130 (valid); 271/2 ready 60. Ready to final: 40 s, 25 s, 100 s,
     * 80 s.
     */
    static void writeTwoChains(final DataSource data) throws SQLException {
        final ValidationStatus valid = ValidationStatus.SUCCESSFUL;
        writeJourney(data, 270, 1, START, ProvingNetwork.FERMAH, valid, new Step(BatchStatus.READY_TO_BE_PROVEN, 0),
                new Step(BatchStatus.REQUEST_SENT_TO_L1, 10), new Step(BatchStatus.ACKNOWLEDGED, 20),
                new Step(BatchStatus.RECEIVED_PROOF, 30), new Step(BatchStatus.VALIDATION_RESULT_SENT_TO_L1, 40));
        writeJourney(data, 270, 2, START, null, null, new Step(BatchStatus.READY_TO_BE_PROVEN, 0),
                new Step(BatchStatus.REQUEST_SENT_TO_L1, 10), new Step(BatchStatus.FALLEN_BACK, 25));
        writeJourney(data, 270, 3, START, ProvingNetwork.LAGRANGE, ValidationStatus.FAILED,
                new Step(BatchStatus.READY_TO_BE_PROVEN, 0), new Step(BatchStatus.REQUEST_SENT_TO_L1, 10),
                new Step(BatchStatus.ACKNOWLEDGED, 20), new Step(BatchStatus.RECEIVED_PROOF, 30),
                new Step(BatchStatus.VALIDATION_RESULT_SENT_TO_L1, 100));
        writeJourney(data, 271, 1, START, ProvingNetwork.FERMAH, valid, new Step(BatchStatus.READY_TO_BE_PROVEN, 50),
                new Step(BatchStatus.REQUEST_SENT_TO_L1, 60), new Step(BatchStatus.ACKNOWLEDGED, 70),
                new Step(BatchStatus.RECEIVED_PROOF, 80), new Step(BatchStatus.VALIDATION_RESULT_SENT_TO_L1, 130));
        writeJourney(data, 271, 2, START, null, null, new Step(BatchStatus.READY_TO_BE_PROVEN, 60));
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
