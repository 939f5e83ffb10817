package io.ethproofmanager.app.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every instance's view of the network analytics: all partitions of the compacted topic, the records written before it
 * started and after, a network's latest record winning, a tombstone removing it and a malformed record skipped.
 */
class NetworkAnalyticsReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryPartitionFromTheBeginningAndKeepsEachNetworksLatest() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            admin.createTopics(List.of(new NewTopic(Topics.NETWORK_ANALYTICS.name(), 3, (short) 1))).all().get();
            // before the reader starts: Fermah twice (the second wins) on one partition, Lagrange on another
            send(producer, ProvingNetwork.FERMAH, analytics(ProvingNetwork.FERMAH, 1), 0);
            send(producer, ProvingNetwork.FERMAH, analytics(ProvingNetwork.FERMAH, 2), 0);
            send(producer, ProvingNetwork.LAGRANGE, analytics(ProvingNetwork.LAGRANGE, 5), 2);
            producer.send(new ProducerRecord<>(Topics.NETWORK_ANALYTICS.name(), 1,
                    Topics.NETWORK_ANALYTICS.keySerde().encode(ProvingNetwork.NONE), "{not json".getBytes())).get();

            try (NetworkAnalyticsReader reader = NetworkAnalyticsReader.start(kafka.bootstrapServers())) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(reader.current())
                        .containsOnlyKeys(ProvingNetwork.FERMAH, ProvingNetwork.LAGRANGE));
                assertThat(reader.current().get(ProvingNetwork.FERMAH).requestsAssigned()).isEqualTo(2);
                assertThat(reader.current().get(ProvingNetwork.LAGRANGE).requestsAssigned()).isEqualTo(5);

                send(producer, ProvingNetwork.LAGRANGE, null, 2);
                send(producer, ProvingNetwork.FERMAH, analytics(ProvingNetwork.FERMAH, 3), 0);

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(reader.current()).containsOnlyKeys(ProvingNetwork.FERMAH);
                    assertThat(reader.current().get(ProvingNetwork.FERMAH).requestsAssigned()).isEqualTo(3);
                });
            }
        }
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final ProvingNetwork network,
            final NetworkAnalytics value, final int partition) throws Exception {
        producer.send(new ProducerRecord<>(Topics.NETWORK_ANALYTICS.name(), partition, Topics.NETWORK_ANALYTICS.keySerde().encode(network),
                value == null ? null : Topics.NETWORK_ANALYTICS.valueSerde().encode(value))).get();
    }

    private static NetworkAnalytics analytics(final ProvingNetwork network, final long assigned) {
        return new NetworkAnalytics(network, assigned, 0, 0, 0, 0, 0, 0L, 0, null, null, null, null, 0, 0,
                java.time.Instant.parse("2026-11-30T00:00:00Z"));
    }
}
