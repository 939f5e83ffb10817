package io.ethproofmanager.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class TopologyDocsTest {

    /** Surefire runs in the app module, so the repository's topology-docs/ is one level up. */
    private static final Path DOCS = Path.of("..", "topology-docs");
    private static final String REGENERATE = "%s is stale or missing: the topology changed. Run scripts/generate-topology-docs.sh "
            + "from the repository root and commit topology-docs/ (review the diff: renamed stores or changelogs break upgrades)";

    @Test
    void committedDescriptionMatchesTheTopology() throws IOException {
        final String generated = TopologyDocs.text(TopologyDocs.describe());

        assertThat(read(TopologyDocs.TEXT_FILE)).as(REGENERATE, DOCS.resolve(TopologyDocs.TEXT_FILE)).isEqualTo(generated);
    }

    @Test
    void committedDiagramMatchesTheTopology() throws IOException {
        final String generated = TopologyDocs.markdown(TopologyDocs.describe());

        assertThat(read(TopologyDocs.MARKDOWN_FILE)).as(REGENERATE, DOCS.resolve(TopologyDocs.MARKDOWN_FILE)).isEqualTo(generated);
    }

    @Test
    void diagramShowsEveryNamedNodeTopicAndStore() {
        final TopologyDescription description = TopologyDocs.describe();

        final String diagram = TopologyDocs.mermaid(description);

        assertThat(description.subtopologies()).hasSize(1);
        assertThat(diagram).startsWith("flowchart LR\n").contains(
                "node_readiness_source", "node_l1_events_parse", "node_l1_tx_results_parse", "node_batch_state_machine",
                "node_dead_letter_sink",
                "topic_epm_readiness_v1[/\"epm.readiness.v1\"/] --> node_readiness_source",
                "topic_epm_l1_tx_results_v1[/\"epm.l1-tx-results.v1\"/] --> node_l1_tx_results_source",
                "node_batch_state_machine --- store_batch_state[(\"batch-state\")]",
                "node_l1_commands_sink --> topic_epm_l1_commands_v1[/\"epm.l1-commands.v1\"/]",
                "topic_epm_proof_verdicts_v1[/\"epm.proof-verdicts.v1\"/] --> node_proof_verdicts_source",
                "node_fallback_sink --> topic_epm_fallback_v1[/\"epm.fallback.v1\"/]",
                "node_batch_state_machine --- store_chain_clock[(\"chain-clock\")]");
        assertThat(description.globalStores()).as("the chain time comes in order with the events, not from a global store").isEmpty();
        assertThat(diagram).doesNotContain("KSTREAM-", "KTABLE-");
    }

    @Test
    void committedRewardAnalyticsDescriptionMatchesItsTopology() throws IOException {
        final String generated = TopologyDocs.text(TopologyDocs.describeRewardAnalytics());

        assertThat(read(TopologyDocs.ANALYTICS_TEXT_FILE)).as(REGENERATE, DOCS.resolve(TopologyDocs.ANALYTICS_TEXT_FILE))
                .isEqualTo(generated);
    }

    @Test
    void committedRewardAnalyticsDiagramMatchesItsTopology() throws IOException {
        final String generated = TopologyDocs.rewardAnalyticsMarkdown(TopologyDocs.describeRewardAnalytics());

        assertThat(read(TopologyDocs.ANALYTICS_MARKDOWN_FILE)).as(REGENERATE, DOCS.resolve(TopologyDocs.ANALYTICS_MARKDOWN_FILE))
                .isEqualTo(generated);
    }

    @Test
    void rewardAnalyticsDiagramShowsItsTopicsStoresAndRepartition() {
        final TopologyDescription description = TopologyDocs.describeRewardAnalytics();

        final String diagram = TopologyDocs.mermaid(description);

        assertThat(description.subtopologies()).hasSize(2);
        assertThat(diagram).startsWith("flowchart LR\n").contains(
                "topic_epm_l1_events_v1[/\"epm.l1-events.v1\"/] --> node_analytics_l1_events_source",
                "topic_epm_network_events_v1[/\"epm.network-events.v1\"/] --> node_analytics_network_events_source",
                "topic_epm_fallback_v1[/\"epm.fallback.v1\"/] --> node_analytics_fallback_source",
                "node_l1_events_facts --- store_batch_request_facts[(\"batch-request-facts\")]",
                "node_fallback_facts --- store_batch_request_facts[(\"batch-request-facts\")]",
                "node_reward_claims_dedupe --- store_reward_claims[(\"reward-claims\")]",
                "node_network_stats_aggregate --- store_network_stats[(\"network-stats\")]",
                "analytics-changes-by-network-repartition",
                "node_network_analytics_sink --> topic_epm_network_analytics_v1[/\"epm.network-analytics.v1\"/]",
                "node_analytics_l1_events_dead_letter_sink --> topic_epm_dead_letter_v1[/\"epm.dead-letter.v1\"/]");
        assertThat(diagram).doesNotContain("KSTREAM-", "KTABLE-");
    }

    private static String read(final String file) throws IOException {
        final Path path = DOCS.resolve(file);
        return Files.exists(path) ? Files.readString(path) : "";
    }
}
