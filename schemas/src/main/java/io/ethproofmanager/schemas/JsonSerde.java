package io.ethproofmanager.schemas;

import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde of one record type as JSON. Reading checks the bytes against the record's schema first, so a malformed
 * record fails with a {@link MalformedRecordException} that says why, never with a half-filled object.
 */
public final class JsonSerde<T> implements Serde<T> {

    private final Class<T> type;
    private final RecordSchema schema;

    public JsonSerde(final Class<T> type, final RecordSchema schema) {
        this.type = Objects.requireNonNull(type, "type");
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    public Class<T> type() {
        return type;
    }

    public RecordSchema schema() {
        return schema;
    }

    /** Checks and decodes one record; throws {@link MalformedRecordException} with the reason. */
    public T decode(final byte[] bytes) {
        final var tree = RecordJson.readTree(bytes);
        schema.check(tree);
        return RecordJson.fromTree(tree, type);
    }

    public byte[] encode(final T value) {
        return RecordJson.toBytes(value);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
