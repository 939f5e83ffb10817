package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A proof manager contract event about a proving network rather than a batch: rewards claimed (reward analytics) and
 * administration. Topic {@link Topics#NETWORK_EVENTS}, keyed by {@link ProvingNetwork} (none for FundsWithdrawn);
 * schema {@code v1/network-event.schema.json}. {@code removed} marks a retraction after a reorg.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = NetworkEvent.RewardClaimed.class, name = "RewardClaimed"),
    @JsonSubTypes.Type(value = NetworkEvent.ProvingNetworkStatusUpdated.class, name = "ProvingNetworkStatusUpdated"),
    @JsonSubTypes.Type(value = NetworkEvent.ProvingNetworkAddressUpdated.class, name = "ProvingNetworkAddressUpdated"),
    @JsonSubTypes.Type(value = NetworkEvent.PreferredProvingNetworkUpdated.class, name = "PreferredProvingNetworkUpdated"),
    @JsonSubTypes.Type(value = NetworkEvent.FundsWithdrawn.class, name = "FundsWithdrawn")
})
public sealed interface NetworkEvent {

    LogPosition log();

    boolean removed();

    /** {@code RewardClaimed(network, amount)}: the network was paid what it was owed. */
    record RewardClaimed(ProvingNetwork network, long amountMicroUsdc, LogPosition log, boolean removed) implements NetworkEvent {
    }

    /** {@code ProvingNetworkStatusUpdated}: a network became active or inactive. */
    record ProvingNetworkStatusUpdated(ProvingNetwork network, boolean active, LogPosition log, boolean removed) implements NetworkEvent {
    }

    /** {@code ProvingNetworkAddressUpdated}: a network's account changed. */
    record ProvingNetworkAddressUpdated(ProvingNetwork network, String address, LogPosition log, boolean removed) implements NetworkEvent {
    }

    /** {@code PreferredProvingNetworkUpdated}: the network that takes two requests of every four. */
    record PreferredProvingNetworkUpdated(ProvingNetwork network, LogPosition log, boolean removed) implements NetworkEvent {
    }

    /** {@code FundsWithdrawn(token, by, amount)}: the admin took tokens out of the contract. */
    record FundsWithdrawn(String token, String by, String amount, LogPosition log, boolean removed) implements NetworkEvent {
    }
}
