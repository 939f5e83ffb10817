package io.ethproofmanager.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    private static final Path STATE_DIR = Path.of("/tmp/epm-state");

    @Test
    void processingIsExactlyOnceV2() {
        final StreamsConfig config = new StreamsConfig(StreamsSettings.properties("localhost:9092", "epm", STATE_DIR));

        assertThat(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void internalResourcesMustBeNamedExplicitly() {
        final StreamsConfig config = new StreamsConfig(StreamsSettings.properties("localhost:9092", "epm", STATE_DIR));

        assertThat(config.getBoolean(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)).isTrue();
        assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(StreamsSettings.COMMIT_INTERVAL_MS);
        assertThat(config.getString(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo(STATE_DIR.toString());
    }

    @Test
    void replicationFactorDefaultsToOneAndCanBeRaised() {
        final Properties single = StreamsSettings.properties("localhost:9092", "epm", STATE_DIR);
        final Properties triple = StreamsSettings.properties("localhost:9092", "epm", STATE_DIR, 3);

        assertThat(new StreamsConfig(single).getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(1);
        assertThat(new StreamsConfig(triple).getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    }

    @Test
    void missingBootstrapServersOrZeroReplicasAreRefused() {
        assertThatThrownBy(() -> StreamsSettings.properties(" ", "epm", STATE_DIR)).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> StreamsSettings.properties("localhost:9092", "epm", STATE_DIR, 0))
                .hasMessageContaining("replicationFactor");
    }

    @Test
    void aStaticMemberIdAndStandbyReplicasAreSetOnlyWhenGiven() {
        final StreamsConfig plain = new StreamsConfig(StreamsSettings.properties("localhost:9092", "epm", STATE_DIR, 1));
        final StreamsConfig member = new StreamsConfig(StreamsSettings.properties("localhost:9092", "epm", STATE_DIR, 1,
                java.util.Optional.of("pod-3"), 1));

        assertThat(plain.getMainConsumerConfigs("epm", "c", 0)).doesNotContainKey("group.instance.id");
        assertThat(plain.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isZero();
        assertThat(member.getMainConsumerConfigs("epm", "c", 0).get("group.instance.id")).as("suffixed with the thread index")
                .isEqualTo("pod-3-0");
        assertThat(member.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isOne();
        assertThatThrownBy(() -> StreamsSettings.properties("localhost:9092", "epm", STATE_DIR, 1, java.util.Optional.empty(), -1))
                .hasMessageContaining("standbyReplicas must not be negative");
    }
}
