package io.ethproofmanager.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void theDefaultPrefixGivesTheRegisteredTopics() {
        assertThat(TopicNames.DEFAULT.all()).isEqualTo(Topics.all());
        assertThat(TopicNames.DEFAULT.of(Topics.BATCH_STATUS)).isSameAs(Topics.BATCH_STATUS);
    }

    @Test
    void anotherPrefixRenamesEveryTopicAndKeepsItsSerdesAndCompaction() {
        final TopicNames names = new TopicNames("rollup-b");
        final Topic<BatchId, BatchStatusRecord> status = names.of(Topics.BATCH_STATUS);

        assertThat(status.name()).isEqualTo("rollup-b.batch-status.v1");
        assertThat(status.valueSerde()).isSameAs(Topics.BATCH_STATUS.valueSerde());
        assertThat(status.compacted()).isTrue();
        assertThat(names.all()).extracting(Topic::name).allMatch(name -> name.startsWith("rollup-b.")).hasSize(Topics.all().size());
        assertThat(names.name("epm.l1-ingester-checkpoint.v1")).isEqualTo("rollup-b.l1-ingester-checkpoint.v1");
    }

    @Test
    void aPrefixKafkaWouldRefuseIsRefused() {
        assertThatThrownBy(() -> new TopicNames("")).hasMessageContaining("1 to 150");
        assertThatThrownBy(() -> new TopicNames("rollup b")).hasMessageContaining("'rollup b'");
        assertThatThrownBy(() -> new TopicNames("rollup.")).hasMessageContaining("does not end with '.'");
    }
}
