package io.ethproofmanager.connectors.source.l1;

import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.NetworkEvent;

/** The retraction of a published event: the same record with {@code removed = true} (a proof's without its bytes). */
final class Retractions {

    private Retractions() {
    }

    static L1Event of(final L1Event event) {
        return switch (event) {
            case L1Event.ProofRequestSubmitted e -> new L1Event.ProofRequestSubmitted(e.chainId(), e.batchNumber(), e.assignedTo(),
                    e.proofInputsUrl(), e.protocolVersion(), e.timeoutAfterSeconds(), e.maxRewardMicroUsdc(), e.requestId(), e.log(), true);
            case L1Event.ProofRequestAcknowledged e ->
                    new L1Event.ProofRequestAcknowledged(e.chainId(), e.batchNumber(), e.accepted(), e.assignedTo(), e.log(), true);
            case L1Event.ProofRequestProven e -> new L1Event.ProofRequestProven(e.chainId(), e.batchNumber(), "0x", e.assignedTo(),
                    e.requestedRewardMicroUsdc(), e.log(), true, e.proofSize());
            case L1Event.ProofValidationResult e ->
                    new L1Event.ProofValidationResult(e.chainId(), e.batchNumber(), e.proofValid(), e.assignedTo(), e.log(), true);
        };
    }

    static NetworkEvent of(final NetworkEvent event) {
        return switch (event) {
            case NetworkEvent.RewardClaimed e -> new NetworkEvent.RewardClaimed(e.network(), e.amountMicroUsdc(), e.log(), true);
            case NetworkEvent.ProvingNetworkStatusUpdated e -> new NetworkEvent.ProvingNetworkStatusUpdated(e.network(), e.active(), e.log(), true);
            case NetworkEvent.ProvingNetworkAddressUpdated e ->
                    new NetworkEvent.ProvingNetworkAddressUpdated(e.network(), e.address(), e.log(), true);
            case NetworkEvent.PreferredProvingNetworkUpdated e -> new NetworkEvent.PreferredProvingNetworkUpdated(e.network(), e.log(), true);
            case NetworkEvent.FundsWithdrawn e -> new NetworkEvent.FundsWithdrawn(e.token(), e.by(), e.amount(), e.log(), true);
        };
    }
}
