package io.ethproofmanager.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapping of every record: ISO-8601 instants, nulls written out, unknown fields tolerated on read. */
public final class RecordJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RecordJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(final Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static JsonNode toTree(final Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Parses bytes into a tree; a {@link MalformedRecordException} says why it is not JSON. */
    public static JsonNode readTree(final byte[] bytes) {
        if (bytes == null) {
            throw new MalformedRecordException("record has no value");
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (final JsonProcessingException e) {
            throw new MalformedRecordException("not JSON: " + e.getOriginalMessage());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read record bytes", e);
        }
    }

    public static <T> T fromTree(final JsonNode tree, final Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (final JsonProcessingException e) {
            throw new MalformedRecordException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (final IllegalArgumentException e) {
            throw new MalformedRecordException("not a " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    public static <T> T fromBytes(final byte[] bytes, final Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + type.getSimpleName() + " from JSON", e);
        }
    }
}
