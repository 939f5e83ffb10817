package io.ethproofmanager.topology.analytics;

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
 * Checks and decodes one input topic's raw records for the analytics topology, as the batch topology's parse step does:
 * a bad or non-canonical key, a bad value or a key that does not match the value gives a {@link Parsed.Rejected}.
 * A value that names no key (such as FundsWithdrawn) must come without one.
 */
final class AnalyticsParseStep<K, V> implements Processor<byte[], byte[], K, Parsed<V>> {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsParseStep.class);

    private final Topic<K, V> topic;
    private final Function<V, Optional<K>> keyOf;
    private final Counter deadLetters;
    private ProcessorContext<K, Parsed<V>> context;

    AnalyticsParseStep(final Topic<K, V> topic, final Function<V, Optional<K>> keyOf, final Counter deadLetters) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    }

    @Override
    public void init(final ProcessorContext<K, Parsed<V>> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<byte[], byte[]> raw) {
        final Optional<K> key;
        try {
            key = Optional.ofNullable(raw.key()).map(bytes -> topic.keySerde().decode(bytes));
        } catch (final MalformedRecordException e) {
            reject(raw, Optional.empty(), "key " + e.getMessage());
            return;
        }
        if (key.isPresent() && !Arrays.equals(topic.keySerde().encode(key.get()), raw.key())) {
            reject(raw, key, "key " + key.get() + " is not in canonical JSON form: other bytes for the same key may land on "
                    + "another partition and split its state");
            return;
        }
        decodeValue(raw, key);
    }

    private void decodeValue(final Record<byte[], byte[]> raw, final Optional<K> key) {
        if (raw.value() == null) {
            reject(raw, key, "record has no value");
            return;
        }
        final V value;
        try {
            value = topic.valueSerde().decode(raw.value());
        } catch (final MalformedRecordException e) {
            reject(raw, key, "value " + e.getMessage());
            return;
        }
        final Optional<K> expected = keyOf.apply(value);
        if (!expected.equals(key)) {
            reject(raw, key, "key " + key.map(String::valueOf).orElse("(none)") + " does not match the value's "
                    + expected.map(String::valueOf).orElse("(none)"));
            return;
        }
        context.forward(new Record<>(key.orElse(null), new Parsed.Valid<>(value), raw.timestamp()));
    }

    private void reject(final Record<byte[], byte[]> raw, final Optional<K> key, final String reason) {
        final RecordMetadata source = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("a parse step only receives records read from " + topic.name()));
        final DeadLetter letter = new DeadLetter(topic.name(), source.partition(), source.offset(),
                base64(raw.key()), base64(raw.value()), reason, Instant.ofEpochMilli(raw.timestamp()));
        LOG.warn("Dead letter from {} partition {} offset {}: {}", topic.name(), source.partition(), source.offset(), reason);
        deadLetters.increment();
        context.forward(new Record<>(key.orElse(null), new Parsed.Rejected<>(letter), raw.timestamp()));
    }

    private static String base64(final byte[] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }
}
