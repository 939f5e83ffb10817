package io.ethproofmanager.topology.analytics;

import io.ethproofmanager.schemas.RecordJson;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The JSON serde of the analytics topology's internal data (stores, changelogs, repartition topic; no schema). */
final class InternalJsonSerde<T> implements Serde<T> {

    private final Class<T> type;

    InternalJsonSerde(final Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : RecordJson.toBytes(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : RecordJson.fromBytes(bytes, type);
    }
}
