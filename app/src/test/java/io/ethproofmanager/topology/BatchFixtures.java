package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ReadinessEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Sample batches, readiness events and contract events shared by the topology tests. */
final class BatchFixtures {

    static final BatchId BATCH = new BatchId(271L, 42L);
    static final Instant READY_AT = Instant.parse("2026-11-25T10:00:00Z");
    static final Instant RECORD_TIME = Instant.parse("2026-11-25T10:00:05Z");
    static final String BLOB_URL = "https://storage.example.org/proofs/271/42/proof-gen-data.bin";
    static final ProtocolVersion PROTOCOL = new ProtocolVersion(0, 28, 1);
    static final ProofRequestPolicy POLICY = new ProofRequestPolicy(Duration.ofSeconds(4_800), 4_000_000L);

    private static final String HASH = "0x" + "ab".repeat(32);

    private BatchFixtures() {
    }

    static ReadinessEvent readiness(final BatchId batch) {
        return new ReadinessEvent(batch.chainId(), batch.batchNumber(), BLOB_URL, PROTOCOL, READY_AT);
    }

    static BatchStatusRecord recordWithStatus(final BatchStatus status) {
        return new BatchStatusRecord(BATCH.chainId(), BATCH.batchNumber(), status, 3L, BLOB_URL, PROTOCOL,
                null, null, null, null, null, null, READY_AT, READY_AT);
    }

    /** One event of each kind the contract emits about a batch. */
    static List<L1Event> everyL1EventKind(final BatchId batch) {
        final long chain = batch.chainId();
        final long number = batch.batchNumber();
        return List.of(
                new L1Event.ProofRequestSubmitted(chain, number, ProvingNetwork.FERMAH, BLOB_URL, PROTOCOL, 4_800L, 4_000_000L, 7L,
                        log(), false),
                new L1Event.ProofRequestAcknowledged(chain, number, true, ProvingNetwork.FERMAH, log(), false),
                new L1Event.ProofRequestProven(chain, number, "0x01", ProvingNetwork.FERMAH, 3_000_000L, log(), false),
                new L1Event.ProofValidationResult(chain, number, true, ProvingNetwork.FERMAH, log(), false));
    }

    static L1Event.ProofRequestAcknowledged acknowledged(final BatchId batch) {
        return new L1Event.ProofRequestAcknowledged(batch.chainId(), batch.batchNumber(), true, ProvingNetwork.LAGRANGE, log(), false);
    }

    private static LogPosition log() {
        return new LogPosition(1_000L, HASH, HASH, 0L, READY_AT);
    }
}
