package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.Topics;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global {@code chain-time} store: per contract, the newest chain time read from {@link Topics#CHAIN_TIME}
 * (an older or equal block timestamp never replaces it). A malformed record is logged and skipped, so that it cannot
 * stop the global thread.
 */
final class ChainClockUpdate implements Processor<byte[], byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(ChainClockUpdate.class);

    private final String storeName;
    private KeyValueStore<String, ChainTime> store;

    ChainClockUpdate(final String storeName) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(final Record<byte[], byte[]> raw) {
        final String contract;
        final ChainTime time;
        try {
            contract = Topics.CHAIN_TIME.keySerde().decode(raw.key());
            time = Topics.CHAIN_TIME.valueSerde().decode(raw.value());
        } catch (final MalformedRecordException e) {
            LOG.warn("Skipped a chain time record of {}: {}", Topics.CHAIN_TIME.name(), e.getMessage());
            return;
        }
        if (!contract.equalsIgnoreCase(time.contractAddress())) {
            LOG.warn("Skipped a chain time record keyed {} for contract {}", contract, time.contractAddress());
            return;
        }
        final ChainTime held = store.get(contract);
        if (held == null || time.blockTimestamp().isAfter(held.blockTimestamp())) {
            store.put(contract, time);
        }
    }
}
