package io.ethproofmanager.topology.analytics;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.time.Instant;

/** Contract events of one proof request's lifecycle, in chain time: acknowledged after 30 s, proven after 300 s. */
final class AnalyticsFixtures {

    static final BatchId BATCH = new BatchId(271L, 42L);
    static final Instant SUBMITTED_AT = Instant.parse("2026-11-25T10:00:00Z");
    static final long ACKNOWLEDGE_SECONDS = 30L;
    static final long PROVE_SECONDS = 300L;
    static final long REQUESTED_REWARD = 3_000_000L;
    static final ProtocolVersion PROTOCOL = new ProtocolVersion(0, 28, 1);

    private AnalyticsFixtures() {
    }

    static L1Event.ProofRequestSubmitted submitted(final BatchId batch, final ProvingNetwork network) {
        return new L1Event.ProofRequestSubmitted(batch.chainId(), batch.batchNumber(), network,
                "https://storage.example.org/proofs/" + batch.batchNumber(), PROTOCOL, 4_800L, 4_000_000L, batch.batchNumber(),
                log(batch, 0L, 0L), false);
    }

    static L1Event.ProofRequestAcknowledged acknowledged(final BatchId batch, final ProvingNetwork network, final boolean accepted) {
        return new L1Event.ProofRequestAcknowledged(batch.chainId(), batch.batchNumber(), accepted, network,
                log(batch, 1L, ACKNOWLEDGE_SECONDS), false);
    }

    static L1Event.ProofRequestProven proven(final BatchId batch, final ProvingNetwork network) {
        return new L1Event.ProofRequestProven(batch.chainId(), batch.batchNumber(), "0x01", network, REQUESTED_REWARD,
                log(batch, 2L, PROVE_SECONDS), false);
    }

    static L1Event.ProofValidationResult validation(final BatchId batch, final ProvingNetwork network, final boolean valid) {
        return new L1Event.ProofValidationResult(batch.chainId(), batch.batchNumber(), valid, network,
                log(batch, 3L, PROVE_SECONDS + 12L), false);
    }

    static FallbackRecord fallback(final BatchId batch, final ProvingNetwork network, final FallbackReason reason) {
        return new FallbackRecord(batch.chainId(), batch.batchNumber(), reason, "deadline passed", network,
                "https://storage.example.org/proofs/" + batch.batchNumber(), PROTOCOL, SUBMITTED_AT.plusSeconds(5_000L));
    }

    static NetworkEvent.RewardClaimed claim(final ProvingNetwork network, final long amount, final long block) {
        return new NetworkEvent.RewardClaimed(network, amount,
                new LogPosition(block, hash(block, 'e'), hash(block, 'f'), 0L, SUBMITTED_AT.plusSeconds(block)), false);
    }

    static NetworkEvent.RewardClaimed retraction(final NetworkEvent.RewardClaimed claim) {
        return new NetworkEvent.RewardClaimed(claim.network(), claim.amountMicroUsdc(), claim.log(), true);
    }

    /** The retraction of {@code event}: the same log, marked removed by a reorg. */
    static L1Event retraction(final L1Event event) {
        return switch (event) {
            case L1Event.ProofRequestSubmitted e -> new L1Event.ProofRequestSubmitted(e.chainId(), e.batchNumber(), e.assignedTo(),
                    e.proofInputsUrl(), e.protocolVersion(), e.timeoutAfterSeconds(), e.maxRewardMicroUsdc(), e.requestId(), e.log(), true);
            case L1Event.ProofRequestAcknowledged e ->
                    new L1Event.ProofRequestAcknowledged(e.chainId(), e.batchNumber(), e.accepted(), e.assignedTo(), e.log(), true);
            case L1Event.ProofRequestProven e -> new L1Event.ProofRequestProven(e.chainId(), e.batchNumber(), e.proofHex(),
                    e.assignedTo(), e.requestedRewardMicroUsdc(), e.log(), true);
            case L1Event.ProofValidationResult e ->
                    new L1Event.ProofValidationResult(e.chainId(), e.batchNumber(), e.proofValid(), e.assignedTo(), e.log(), true);
        };
    }

    /** Step {@code step} of a batch's lifecycle: its own block, {@code seconds} of chain time after the submission. */
    private static LogPosition log(final BatchId batch, final long step, final long seconds) {
        final long block = 1_000L * batch.batchNumber() + step;
        return new LogPosition(block, hash(block, 'a'), hash(block, 'b'), 0L, SUBMITTED_AT.plusSeconds(seconds));
    }

    private static String hash(final long block, final char prefix) {
        final String digits = prefix + Long.toHexString(block);
        return "0x" + "0".repeat(64 - digits.length()) + digits;
    }
}
