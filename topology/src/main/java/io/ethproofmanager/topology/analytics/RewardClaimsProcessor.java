package io.ethproofmanager.topology.analytics;

import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns RewardClaimed events into claim changes, each log counted once: the store keeps every live claim's amount by
 * its log ({@code blockHash:logIndex}), so a duplicate is dropped and a retraction takes its own amount back out.
 */
final class RewardClaimsProcessor implements Processor<ProvingNetwork, NetworkEvent, ProvingNetwork, AnalyticsChange> {

    private final String storeName;
    private ProcessorContext<ProvingNetwork, AnalyticsChange> context;
    private KeyValueStore<String, Long> store;

    RewardClaimsProcessor(final String storeName) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
    }

    @Override
    public void init(final ProcessorContext<ProvingNetwork, AnalyticsChange> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(final Record<ProvingNetwork, NetworkEvent> record) {
        if (record.value() instanceof NetworkEvent.RewardClaimed claim) {
            change(claim).ifPresent(amount -> context.forward(
                    new Record<ProvingNetwork, AnalyticsChange>(claim.network(), new AnalyticsChange.ClaimChange(amount), record.timestamp())));
        }
    }

    /** The signed amount this claim changes the claimed total by, if any; records the claim in the store. */
    private Optional<Long> change(final NetworkEvent.RewardClaimed claim) {
        final String logKey = claim.log().blockHash() + ":" + claim.log().logIndex();
        final Optional<Long> stored = Optional.ofNullable(store.get(logKey));
        if (claim.removed()) {
            stored.ifPresent(amount -> store.delete(logKey));
            return stored.map(amount -> -amount);
        }
        if (stored.isPresent()) {
            return Optional.empty();
        }
        store.put(logKey, claim.amountMicroUsdc());
        return Optional.of(claim.amountMicroUsdc());
    }
}
