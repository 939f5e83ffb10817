package io.ethproofmanager.connectors.sink.postgres;

import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces batch status records (encoded with the topic's serdes) and raw bytes to one test topic. */
final class StatusProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    StatusProducer(final String bootstrapServers, final String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    /** Sends without waiting; the future completes when the broker has the record. */
    Future<RecordMetadata> sendAsync(final BatchStatusRecord record) {
        return sendRaw(Topics.BATCH_STATUS.keySerde().encode(record.batchId()), Topics.BATCH_STATUS.valueSerde().encode(record));
    }

    void send(final BatchStatusRecord record) {
        await(sendAsync(record));
    }

    void sendRaw(final byte[] key, final String value) {
        await(sendRaw(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    private Future<RecordMetadata> sendRaw(final byte[] key, final byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Waits up to 30 s for the broker to acknowledge one record. */
    static RecordMetadata await(final Future<RecordMetadata> sent) {
        try {
            return sent.get(30, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the broker to acknowledge a record", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not acknowledge a record within 30 s", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
