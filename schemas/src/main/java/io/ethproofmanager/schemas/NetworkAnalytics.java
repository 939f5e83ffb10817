package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * Reward analytics of one proving network, from the contract's events: what it was assigned and did, how fast, and what
 * it earned. Topic {@link Topics#NETWORK_ANALYTICS} (compacted, keyed by {@link ProvingNetwork}); schema
 * {@code v1/network-analytics.schema.json}, which says what each count means. Durations are in chain time (block
 * timestamps), in seconds. {@code unacknowledged} is null in records written before it existed, whose {@code timedOut}
 * also counted the requests that ended Unacknowledged.
 */
public record NetworkAnalytics(
        ProvingNetwork network,
        long requestsAssigned,
        long accepted,
        long refused,
        long proven,
        long validated,
        long validationFailed,
        Long unacknowledged,
        long timedOut,
        Double acknowledgeSecondsP50,
        Double acknowledgeSecondsP99,
        Double proveSecondsP50,
        Double proveSecondsP99,
        long rewardsOwedMicroUsdc,
        long rewardsClaimedMicroUsdc,
        Instant updatedAt) {

    public NetworkAnalytics {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
