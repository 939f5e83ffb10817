package io.ethproofmanager.sandbox.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topic chores of the benchmarks: fresh topics, bulk produce, and waiting for a number of records. */
final class BenchTopics {

    private final String bootstrapServers;

    BenchTopics(final String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Deletes (when present) and creates the topics, one partition each. */
    void recreate(final Collection<String> names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<String> present = names.stream().filter(existing::contains).toList();
            if (!present.isEmpty()) {
                admin.deleteTopics(present).all().get(30, TimeUnit.SECONDS);
                waitUntilGone(admin, present);
            }
            admin.createTopics(names.stream().map(n -> new NewTopic(n, 1, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
        } catch (final Exception e) {
            throw new IllegalStateException("cannot recreate bench topics " + names, e);
        }
    }

    private static void waitUntilGone(final Admin admin, final List<String> names) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            final Set<String> now = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (names.stream().noneMatch(now::contains)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("topics " + names + " still listed 30 s after deletion");
    }

    /** Produces {@code count} records made by {@code record} and waits for every ack. */
    void produce(final String topic, final int count, final Function<Integer, byte[][]> record) {
        final Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                final byte[][] keyValue = record.apply(i);
                producer.send(new ProducerRecord<>(topic, keyValue[0], keyValue[1]));
            }
            producer.flush();
        }
    }

    /** Waits until {@code count} committed records are on {@code topic}; returns when the last one was read. */
    long awaitRecords(final String topic, final long count, final Duration timeout) {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        final long deadline = System.nanoTime() + timeout.toNanos();
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(new ArrayList<>(List.of(topic)));
            while (seen < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + seen + " of " + count + " records on " + topic + " after " + timeout.toSeconds() + " s");
                }
                seen += consumer.poll(Duration.ofMillis(100)).count();
            }
        }
        return System.nanoTime();
    }
}
