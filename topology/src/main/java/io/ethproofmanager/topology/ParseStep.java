package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.DeadLetter;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.Topic;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and decodes one input topic's raw records: a valid one goes on as its key and decoded value, anything else (a
 * missing key where one is required, a bad or non-canonical key, a bad value, a key that does not match the one the value
 * names) goes on as a {@link DeadLetter} with the reason, counted, and the stream keeps running. What "goes on" means,
 * which child and in what wrapping, is the topology's to say.
 *
 * @param <K> the input topic's key type
 * @param <V> the input topic's value type
 * @param <VO> the type of the values forwarded, valid ones and dead letters alike
 */
public final class ParseStep<K, V, VO> implements Processor<byte[], byte[], K, VO> {

    private static final Logger LOG = LoggerFactory.getLogger(ParseStep.class);

    /**
     * What a record's key must be: present or not, the same as the one its value names; and how reasons name it.
     *
     * @param required whether a record without a key is a dead letter
     * @param namedBy the key a value names; empty where the value must come without one
     * @param noun what keys stand for in reasons ("batch"), or empty to say "key"
     */
    public record KeyRule<K, V>(boolean required, Function<V, Optional<K>> namedBy, Optional<String> noun) {

        public KeyRule {
            Objects.requireNonNull(namedBy, "namedBy");
            Objects.requireNonNull(noun, "noun");
        }

        /** Every record is keyed by the batch its value is about. */
        public static <V> KeyRule<BatchId, V> batchOf(final Function<V, BatchId> batch) {
            return new KeyRule<>(true, value -> Optional.of(batch.apply(value)), Optional.of("batch"));
        }

        /** A record is keyed by what its value names, and comes without a key when its value names none. */
        public static <K, V> KeyRule<K, V> namedBy(final Function<V, Optional<K>> keyOf) {
            return new KeyRule<>(false, keyOf, Optional.empty());
        }
    }

    /** Forwards what the step found (a decoded value, or a dead letter) from {@code context}. */
    @FunctionalInterface
    public interface Forward<K, T, VO> {

        void forward(ProcessorContext<K, VO> context, Record<K, T> found);
    }

    private final Topic<K, V> topic;
    private final KeyRule<K, V> keys;
    private final Counter deadLetters;
    private final Forward<K, V, VO> forwardValid;
    private final Forward<K, DeadLetter, VO> forwardDeadLetter;
    private final Function<byte[], Optional<K>> canonicalKey;
    private ProcessorContext<K, VO> context;

    public ParseStep(final Topic<K, V> topic, final KeyRule<K, V> keys, final Counter deadLetters,
            final Forward<K, V, VO> forwardValid, final Forward<K, DeadLetter, VO> forwardDeadLetter) {
        this(topic, keys, deadLetters, forwardValid, forwardDeadLetter, bytes -> Optional.empty());
    }

    /**
     * A step with a fast reading of keys: {@code canonicalKey} answers the key of bytes that are exactly its canonical
     * encoding (then the key is neither parsed, nor checked against its schema, nor encoded again), and empty for any
     * other bytes, which get the full check.
     */
    ParseStep(final Topic<K, V> topic, final KeyRule<K, V> keys, final Counter deadLetters, final Forward<K, V, VO> forwardValid,
            final Forward<K, DeadLetter, VO> forwardDeadLetter, final Function<byte[], Optional<K>> canonicalKey) {
        this.canonicalKey = Objects.requireNonNull(canonicalKey, "canonicalKey");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.forwardValid = Objects.requireNonNull(forwardValid, "forwardValid");
        this.forwardDeadLetter = Objects.requireNonNull(forwardDeadLetter, "forwardDeadLetter");
    }

    @Override
    public void init(final ProcessorContext<K, VO> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<byte[], byte[]> raw) {
        if (raw.key() == null && keys.required()) {
            deadLetter(raw, Optional.empty(), "record has no key");
            return;
        }
        final Optional<K> fast = raw.key() == null ? Optional.empty() : canonicalKey.apply(raw.key());
        final Optional<K> key;
        try {
            key = fast.isPresent() ? fast : Optional.ofNullable(raw.key()).map(bytes -> topic.keySerde().decode(bytes));
        } catch (final MalformedRecordException e) {
            deadLetter(raw, Optional.empty(), "key " + e.getMessage());
            return;
        }
        if (fast.isEmpty() && key.isPresent() && !Arrays.equals(topic.keySerde().encode(key.get()), raw.key())) {
            deadLetter(raw, key, "key " + keys.noun().map(noun -> "of " + noun + " ").orElse("") + key.get()
                    + " is not in canonical JSON form: other bytes for the same " + keys.noun().orElse("key")
                    + " may land on another partition and split its state");
            return;
        }
        if (raw.value() == null) {
            deadLetter(raw, key, "record has no value");
            return;
        }
        final V value;
        final Optional<K> named;
        try {
            value = topic.valueSerde().decode(raw.value());
            named = keys.namedBy().apply(value);
        } catch (final MalformedRecordException e) {
            deadLetter(raw, key, "value " + e.getMessage());
            return;
        }
        if (!named.equals(key)) {
            deadLetter(raw, key, "key " + text(key) + " does not match the value's "
                    + keys.noun().map(noun -> noun + " ").orElse("") + text(named));
            return;
        }
        forwardValid.forward(context, new Record<>(key.orElse(null), value, raw.timestamp()));
    }

    private void deadLetter(final Record<byte[], byte[]> raw, final Optional<K> key, final String reason) {
        final RecordMetadata source = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("a parse step only receives records read from " + topic.name()));
        final DeadLetter letter = new DeadLetter(topic.name(), source.partition(), source.offset(),
                base64(raw.key()), base64(raw.value()), reason, Instant.ofEpochMilli(raw.timestamp()));
        LOG.warn("Dead letter from {} partition {} offset {}: {}", topic.name(), source.partition(), source.offset(), reason);
        deadLetters.increment();
        forwardDeadLetter.forward(context, new Record<>(key.orElse(null), letter, raw.timestamp()));
    }

    private static String text(final Optional<?> key) {
        return key.map(String::valueOf).orElse("(none)");
    }

    private static String base64(final byte[] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }
}
