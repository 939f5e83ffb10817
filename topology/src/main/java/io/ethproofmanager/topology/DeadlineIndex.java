package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The batches whose deadline is running, ordered by that deadline, so that a deadline check reads only the batches that
 * are due instead of every batch ever seen. Each entry's key is the deadline in epoch milliseconds, then the batch's chain
 * id and number, all big-endian, so that the store's byte order is deadline order; the value is a marker.
 *
 * <p>Kept beside the batch-state store by the state machine: one entry per batch with a {@linkplain
 * BatchStateMachine#nextDeadline next deadline}, moved whenever the batch's state changes, and rebuilt from the batch
 * states whenever the task starts (it has no changelog of its own).
 */
final class DeadlineIndex {

    private static final int KEY_BYTES = 3 * Long.BYTES;
    private static final byte[] MARKER = {1};

    private final KeyValueStore<Bytes, byte[]> store;

    DeadlineIndex(final KeyValueStore<Bytes, byte[]> store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The store behind the index: in memory and without a changelog, since it is rebuilt from the batch-state store at
     * every start of its task; a changelog would only double the writes of every state change.
     */
    static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(final String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled();
    }

    /** Moves {@code batch} from deadline {@code from} to deadline {@code to} (either empty: not indexed). */
    void move(final BatchId batch, final Optional<Instant> from, final Optional<Instant> to) {
        if (from.equals(to)) {
            return;
        }
        from.ifPresent(deadline -> store.delete(key(deadline, batch)));
        to.ifPresent(deadline -> store.put(key(deadline, batch), MARKER));
    }

    /** The indexed batches whose deadline is at or before {@code now}, earliest first, with their deadline. */
    List<KeyValue<BatchId, Instant>> dueBy(final Instant now) {
        final List<KeyValue<BatchId, Instant>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = store.range(key(Instant.EPOCH, 0, 0), key(now, Long.MAX_VALUE, Long.MAX_VALUE))) {
            entries.forEachRemaining(entry -> due.add(decode(entry.key)));
        }
        return due;
    }

    /** Removes every entry. */
    void clear() {
        final List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
            entries.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(store::delete);
    }

    boolean isEmpty() {
        try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
            return !entries.hasNext();
        }
    }

    /** Every indexed batch with its deadline, earliest first. */
    List<KeyValue<BatchId, Instant>> all() {
        final List<KeyValue<BatchId, Instant>> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
            entries.forEachRemaining(entry -> all.add(decode(entry.key)));
        }
        return all;
    }

    static Bytes key(final Instant deadline, final BatchId batch) {
        return key(deadline, batch.chainId(), batch.batchNumber());
    }

    private static Bytes key(final Instant deadline, final long chainId, final long batchNumber) {
        final long millis = deadline.toEpochMilli();
        if (millis < 0) {
            throw new IllegalArgumentException("a deadline before the epoch cannot be indexed: " + deadline);
        }
        return Bytes.wrap(ByteBuffer.allocate(KEY_BYTES).putLong(millis).putLong(chainId).putLong(batchNumber).array());
    }

    private static KeyValue<BatchId, Instant> decode(final Bytes key) {
        final ByteBuffer buffer = ByteBuffer.wrap(key.get());
        final Instant deadline = Instant.ofEpochMilli(buffer.getLong());
        return KeyValue.pair(new BatchId(buffer.getLong(), buffer.getLong()), deadline);
    }
}
