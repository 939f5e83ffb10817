package io.ethproofmanager.connectors.sink.postgres;

import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ValidationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/** Test records of one batch's life: version n is its n-th status change, each later status filling more fields. */
final class StatusRecords {

    static final long CHAIN_ID = 271;
    static final Instant CREATED_AT = Instant.parse("2026-11-20T10:15:30.123456Z");

    private StatusRecords() {
    }

    /** Version {@code version} (from 1) of batch {@code batchNumber}; versions past the fifth stay validated. */
    static BatchStatusRecord version(final long batchNumber, final long version) {
        final int step = (int) Math.min(version, 5);
        final BatchStatus status = BatchStatus.values()[step - 1];
        return new BatchStatusRecord(CHAIN_ID, batchNumber, status, version,
                "https://blobs.example/public/" + batchNumber,
                new ProtocolVersion(0, 28, 1),
                step >= 4 ? "https://blobs.example/proofs/" + batchNumber : null,
                step >= 3 ? ProvingNetwork.FERMAH : null,
                step >= 2 ? txHash(batchNumber, 1) : null,
                step >= 5 ? txHash(batchNumber, 2) : null,
                step >= 5 ? ValidationStatus.SUCCESSFUL : null,
                null,
                CREATED_AT,
                CREATED_AT.plus(Duration.ofSeconds(version)));
    }

    static String txHash(final long batchNumber, final int kind) {
        final byte[] bytes = new byte[32];
        bytes[0] = (byte) kind;
        for (int i = 0; i < 8; i++) {
            bytes[31 - i] = (byte) (batchNumber >>> (8 * i));
        }
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
