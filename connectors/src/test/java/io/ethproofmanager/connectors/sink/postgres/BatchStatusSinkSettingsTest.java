package io.ethproofmanager.connectors.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchStatusSinkSettingsTest {

    private final BatchStatusSinkSettings defaults = BatchStatusSinkSettings.of("127.0.0.1:9092", "epm-postgres-sink");

    @Test
    void defaultsReadTheBatchStatusTopic() {
        assertThat(defaults.topic()).isEqualTo(Topics.BATCH_STATUS.name());
        assertThat(defaults.maxBatchSize()).isEqualTo(BatchStatusSinkSettings.DEFAULT_MAX_BATCH_SIZE);
    }

    @Test
    void backoffDoublesFromTheMinimumUpToTheMaximum() {
        final BatchStatusSinkSettings settings = defaults.withRetryBackoff(Duration.ofMillis(100), Duration.ofMillis(700));

        assertThat(settings.retryBackoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.retryBackoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.retryBackoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(settings.retryBackoff(4)).isEqualTo(Duration.ofMillis(700));
        assertThat(settings.retryBackoff(1_000)).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void preconditionsRefuseNonsense() {
        assertThatThrownBy(() -> BatchStatusSinkSettings.of(" ", "group")).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> defaults.withTopic("")).hasMessageContaining("topic");
        assertThatThrownBy(() -> defaults.withMaxBatchSize(0)).hasMessageContaining("maxBatchSize");
        assertThatThrownBy(() -> defaults.withRetryBackoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("retryBackoffMin");
        assertThatThrownBy(() -> defaults.withRetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("must not be shorter");
        assertThatThrownBy(() -> defaults.withRetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5)))
                .hasMessageContaining("at most");
    }
}
