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
 * Checks and decodes one input topic's raw records: a valid one goes on as a {@link BatchEvent}, anything else (bad or
 * non-canonical key, bad value, key not matching the value) goes to the dead-letter topic with the reason, and the stream
 * keeps running.
 */
final class ParseStep<V> implements Processor<byte[], byte[], BatchId, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ParseStep.class);

    private final Topic<BatchId, V> topic;
    private final Function<V, BatchEvent> toEvent;
    private final Counter deadLetters;
    private final String eventChild;
    private final String deadLetterChild;
    private ProcessorContext<BatchId, Object> context;

    ParseStep(final Topic<BatchId, V> topic, final Function<V, BatchEvent> toEvent, final Counter deadLetters,
            final String eventChild, final String deadLetterChild) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.toEvent = Objects.requireNonNull(toEvent, "toEvent");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.eventChild = Objects.requireNonNull(eventChild, "eventChild");
        this.deadLetterChild = Objects.requireNonNull(deadLetterChild, "deadLetterChild");
    }

    @Override
    public void init(final ProcessorContext<BatchId, Object> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<byte[], byte[]> raw) {
        if (raw.key() == null) {
            deadLetter(raw, Optional.empty(), "record has no key");
            return;
        }
        final BatchId key;
        try {
            key = topic.keySerde().decode(raw.key());
        } catch (final MalformedRecordException e) {
            deadLetter(raw, Optional.empty(), "key " + e.getMessage());
            return;
        }
        if (!Arrays.equals(topic.keySerde().encode(key), raw.key())) {
            deadLetter(raw, Optional.of(key), "key of batch " + key + " is not in canonical JSON form: "
                    + "other bytes for the same batch may land on another partition and split its state");
            return;
        }
        if (raw.value() == null) {
            deadLetter(raw, Optional.of(key), "record has no value");
            return;
        }
        final BatchEvent event;
        try {
            event = toEvent.apply(topic.valueSerde().decode(raw.value()));
        } catch (final MalformedRecordException e) {
            deadLetter(raw, Optional.of(key), "value " + e.getMessage());
            return;
        }
        if (!event.batchId().equals(key)) {
            deadLetter(raw, Optional.of(key), "key " + key + " does not match the value's batch " + event.batchId());
            return;
        }
        context.forward(new Record<BatchId, Object>(key, event, raw.timestamp()), eventChild);
    }

    private void deadLetter(final Record<byte[], byte[]> raw, final Optional<BatchId> key, final String reason) {
        final RecordMetadata source = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("a parse step only receives records read from " + topic.name()));
        final DeadLetter letter = new DeadLetter(topic.name(), source.partition(), source.offset(),
                base64(raw.key()), base64(raw.value()), reason, Instant.ofEpochMilli(raw.timestamp()));
        LOG.warn("Dead letter from {} partition {} offset {}: {}", topic.name(), source.partition(), source.offset(), reason);
        deadLetters.increment();
        context.forward(new Record<BatchId, Object>(key.orElse(null), letter, raw.timestamp()), deadLetterChild);
    }

    private static String base64(final byte[] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }
}
