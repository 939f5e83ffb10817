package io.ethproofmanager.connectors.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sink's block epm.postgres-sink as it reads it, its backoff schedule, and what it refuses, named by key. */
class BatchStatusSinkSettingsTest {

    private static BatchStatusSinkSettings settings(final String hocon) {
        return BatchStatusSinkSettings.from(TestSettings.with(hocon), "127.0.0.1:9092", "epm-postgres-sink");
    }

    @Test
    void readsItsBlockAndTheBatchStatusTopic() {
        final BatchStatusSinkSettings settings = settings(
                "epm.postgres-sink { max-batch-size = 50, poll-timeout = 1s, retry-backoff-min = 100ms, retry-backoff-max = 20s }");

        assertThat(settings.topic()).isEqualTo(Topics.BATCH_STATUS.name());
        assertThat(settings.groupId()).isEqualTo("epm-postgres-sink");
        assertThat(settings.maxBatchSize()).isEqualTo(50);
        assertThat(settings.pollTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.retryBackoffMin()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.retryBackoffMax()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings("").maxBatchSize()).as("the reference default").isEqualTo(
                TestSettings.reference().getInt("epm.postgres-sink.max-batch-size"));
    }

    @Test
    void backoffDoublesFromTheMinimumUpToTheMaximum() {
        final BatchStatusSinkSettings settings = settings("epm.postgres-sink { retry-backoff-min = 100ms, retry-backoff-max = 700ms }");

        assertThat(settings.retryBackoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.retryBackoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.retryBackoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(settings.retryBackoff(4)).isEqualTo(Duration.ofMillis(700));
        assertThat(settings.retryBackoff(1_000)).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void preconditionsRefuseNonsenseNamingTheKey() {
        assertThatThrownBy(() -> settings("epm.postgres-sink.max-batch-size = 0"))
                .hasMessage("invalid configuration: epm.postgres-sink.max-batch-size must be positive, was 0");
        assertThatThrownBy(() -> settings("epm.postgres-sink.retry-backoff-min = 0s"))
                .hasMessageContaining("epm.postgres-sink.retry-backoff-min must be positive");
        assertThatThrownBy(() -> settings("epm.postgres-sink { retry-backoff-min = 2s, retry-backoff-max = 1s }"))
                .hasMessageContaining("epm.postgres-sink.retry-backoff-max must be at least 2s, was 1s");
        assertThatThrownBy(() -> settings("epm.postgres-sink.retry-backoff-max = 5m"))
                .hasMessageContaining("epm.postgres-sink.retry-backoff-max must be at most 60s, was 300s");
    }
}
