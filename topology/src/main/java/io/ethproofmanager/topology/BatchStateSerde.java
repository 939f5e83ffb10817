package io.ethproofmanager.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.RecordJson;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The JSON serde of {@link BatchState} in the {@code batch-state} store and its changelog (internal data, no schema).
 *
 * <p>It also reads the store's earlier values, bare {@link BatchStatusRecord}s, so that an upgraded application restores
 * its changelog: such a batch was only ever ready_to_be_proven, and its readiness facts are in the record.
 */
public final class BatchStateSerde implements Serde<BatchState> {

    public byte[] encode(final BatchState state) {
        return RecordJson.toBytes(state);
    }

    public BatchState decode(final byte[] bytes) {
        final JsonNode tree = RecordJson.readTree(bytes);
        return tree.has("lastPublished")
                ? RecordJson.fromTree(tree, BatchState.class)
                : fromEarlierRecord(RecordJson.fromTree(tree, BatchStatusRecord.class));
    }

    private static BatchState fromEarlierRecord(final BatchStatusRecord record) {
        final ReadinessEvent readiness = new ReadinessEvent(record.chainId(), record.batchNumber(), record.proofGenDataBlobUrl(),
                record.protocolVersion(), record.createdAt());
        return BatchState.initial(readiness, record);
    }

    @Override
    public Serializer<BatchState> serializer() {
        return (topic, state) -> state == null ? null : encode(state);
    }

    @Override
    public Deserializer<BatchState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
