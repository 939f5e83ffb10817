package io.ethproofmanager.topology;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration of the batch topology: exactly-once v2, explicit internal names, byte-array serdes. */
public final class StreamsSettings {

    /** How often offsets, store changes and outputs are committed together (one transaction each). */
    public static final long COMMIT_INTERVAL_MS = 100L;

    private StreamsSettings() {
    }

    /** Settings for a single-broker cluster (internal topics with replication factor 1), such as the embedded broker. */
    public static Properties properties(final String bootstrapServers, final String applicationId, final Path stateDir) {
        return properties(bootstrapServers, applicationId, stateDir, 1);
    }

    /** Settings whose internal topics (changelog) get {@code replicationFactor} replicas. */
    public static Properties properties(
            final String bootstrapServers, final String applicationId, final Path stateDir, final int replicationFactor) {
        return properties(bootstrapServers, applicationId, stateDir, replicationFactor, Optional.empty(), 0);
    }

    /**
     * Settings of an instance that is the static member {@code instanceId} of the application's group (Kafka's
     * {@code group.instance.id}, each stream thread's main consumer suffixed with its index): restarted under the same
     * id, it takes its tasks back at once instead of after the dead member's session timeout; and that keeps
     * {@code standbyReplicas} warm copies of each task's state on other instances, so that a task moved after a failure
     * need not restore its state from the changelog first.
     */
    public static Properties properties(final String bootstrapServers, final String applicationId, final Path stateDir,
            final int replicationFactor, final Optional<String> instanceId, final int standbyReplicas) {
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standbyReplicas must not be negative, was " + standbyReplicas);
        }
        requireText(bootstrapServers, "bootstrapServers");
        requireText(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, was " + replicationFactor);
        }
        final Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        // neither topology (the batch state machine, the reward analytics: topology-docs/) has a global store or
        // GlobalKTable, so this changes no behaviour; it opts in to what Kafka Streams 5.0 makes the default. (It does not
        // silence the warning about this setting: `new KafkaStreams` in 4.4 logs it once per instance all the same.)
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        instanceId.ifPresent(id -> props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        return props;
    }

    private static void requireText(final String value, final String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
