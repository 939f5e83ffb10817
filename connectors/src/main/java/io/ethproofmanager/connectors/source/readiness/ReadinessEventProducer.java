package io.ethproofmanager.connectors.source.readiness;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/** Sends readiness events with an idempotent {@code acks=all} producer and waits for each acknowledgement. */
final class ReadinessEventProducer implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<BatchId, ReadinessEvent> producer;
    private final String topic;

    ReadinessEventProducer(final ReadinessSettings settings) {
        this.topic = settings.topic();
        this.producer = new KafkaProducer<>(config(settings),
                Topics.READINESS.keySerde().serializer(), Topics.READINESS.valueSerde().serializer());
    }

    /** Sends {@code event} and returns once the broker acknowledged it, or throws a {@code publish_failed} failure. */
    void publish(final ReadinessEvent event) throws BatchFailure {
        final long began = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, event.batchId(), event)).get();
        } catch (final ExecutionException e) {
            throw failure(event, began, e.getCause());
        } catch (final KafkaException e) {
            throw failure(event, began, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(event, began, e);
        }
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }

    private BatchFailure failure(final ReadinessEvent event, final long began, final Throwable cause) {
        final long waitedMillis = (System.nanoTime() - began) / 1_000_000;
        return new BatchFailure(FailureReason.PUBLISH_FAILED, "readiness event of batch " + event.batchId() + " was not acknowledged by "
                + topic + " after " + waitedMillis + " ms: " + cause, cause);
    }

    private static Map<String, Object> config(final ReadinessSettings settings) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "epm-readiness-checker-" + settings.chainId());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putAll(settings.producerOverrides());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }
}
