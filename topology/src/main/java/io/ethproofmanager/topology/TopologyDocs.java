package io.ethproofmanager.topology;

import io.ethproofmanager.topology.analytics.RewardAnalyticsTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Writes the checked-in descriptions of the batch and reward analytics topologies ({@code topology-docs/}): each one's
 * {@code describe()} text and a Markdown page with a Mermaid diagram generated from it. Run by
 * {@code scripts/generate-topology-docs.sh}.
 */
public final class TopologyDocs {

    public static final String TEXT_FILE = "topology.txt";
    public static final String MARKDOWN_FILE = "topology.md";
    public static final String ANALYTICS_TEXT_FILE = "reward-analytics.txt";
    public static final String ANALYTICS_MARKDOWN_FILE = "reward-analytics.md";

    /** Sources, then processors, then sinks, each by name: the diagram's text reads in the direction of the flow. */
    private static final Comparator<TopologyDescription.Node> BY_ROLE_THEN_NAME = Comparator
            .comparingInt(TopologyDocs::roleRank)
            .thenComparing(TopologyDescription.Node::name);

    private TopologyDocs() {
    }

    /** Writes {@value #TEXT_FILE}, {@value #MARKDOWN_FILE} and their reward analytics twins into the directory {@code args[0]}. */
    public static void main(final String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: TopologyDocs <output directory>, for example topology-docs");
        }
        final Path dir = Files.createDirectories(Path.of(args[0]));
        final TopologyDescription description = describe();
        Files.writeString(dir.resolve(TEXT_FILE), text(description));
        Files.writeString(dir.resolve(MARKDOWN_FILE), markdown(description));
        final TopologyDescription analytics = describeRewardAnalytics();
        Files.writeString(dir.resolve(ANALYTICS_TEXT_FILE), text(analytics));
        Files.writeString(dir.resolve(ANALYTICS_MARKDOWN_FILE), rewardAnalyticsMarkdown(analytics));
    }

    /** The description of the topology as built with the default policies. */
    public static TopologyDescription describe() {
        return BatchTopology.build(ProofRequestPolicy.defaults(), DeadlinePolicy.defaults(), new SimpleMeterRegistry()).describe();
    }

    /** The description of the reward analytics topology, a Streams application of its own. */
    public static TopologyDescription describeRewardAnalytics() {
        return RewardAnalyticsTopology.build(new SimpleMeterRegistry()).describe();
    }

    /** The content of {@value #TEXT_FILE} or {@value #ANALYTICS_TEXT_FILE}: Kafka Streams' own description. */
    public static String text(final TopologyDescription description) {
        return description.toString();
    }

    /** The content of {@value #MARKDOWN_FILE}: a header, the Mermaid diagram and the description text. */
    public static String markdown(final TopologyDescription description) {
        return markdown("Batch topology", "BatchTopology.build(...)", description);
    }

    /** The content of {@value #ANALYTICS_MARKDOWN_FILE}, laid out as {@value #MARKDOWN_FILE}. */
    public static String rewardAnalyticsMarkdown(final TopologyDescription description) {
        return markdown("Reward analytics topology (application id `" + RewardAnalyticsTopology.APPLICATION_ID + "`)",
                "RewardAnalyticsTopology.build(...)", description);
    }

    private static String markdown(final String title, final String builtBy, final TopologyDescription description) {
        return "# " + title + "\n\n"
                + "Generated from `" + builtBy + "` by `scripts/generate-topology-docs.sh`; do not edit by hand.\n"
                + "Topics are parallelograms, state stores cylinders; every node and store is named explicitly.\n\n"
                + "```mermaid\n" + mermaid(description) + "```\n\n"
                + "## `Topology.describe()`\n\n"
                + "```text\n" + text(description).stripTrailing() + "\n```\n";
    }

    /** A Mermaid {@code flowchart LR} of the subtopologies and global stores, their nodes, topics and stores. */
    public static String mermaid(final TopologyDescription description) {
        final StringBuilder out = new StringBuilder("flowchart LR\n");
        final List<TopologyDescription.Subtopology> subtopologies = description.subtopologies().stream()
                .sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id))
                .toList();
        for (final TopologyDescription.Subtopology subtopology : subtopologies) {
            out.append("    subgraph sub").append(subtopology.id())
                    .append(" [\"Sub-topology ").append(subtopology.id()).append("\"]\n");
            sorted(subtopology.nodes().stream()).forEach(node -> out.append("        ").append(nodeShape(node)).append('\n'));
            out.append("    end\n");
        }
        final List<TopologyDescription.GlobalStore> globalStores = description.globalStores().stream()
                .sorted(Comparator.comparingInt(TopologyDescription.GlobalStore::id))
                .toList();
        for (final TopologyDescription.GlobalStore store : globalStores) {
            out.append("    subgraph global").append(store.id())
                    .append(" [\"Global store ").append(store.id()).append("\"]\n");
            globalNodes(store).forEach(node -> out.append("        ").append(nodeShape(node)).append('\n'));
            out.append("    end\n");
        }
        for (final TopologyDescription.Subtopology subtopology : subtopologies) {
            sorted(subtopology.nodes().stream()).forEach(node -> appendEdges(out, node));
        }
        for (final TopologyDescription.GlobalStore store : globalStores) {
            globalNodes(store).forEach(node -> appendEdges(out, node));
        }
        return out.toString();
    }

    private static Stream<TopologyDescription.Node> globalNodes(final TopologyDescription.GlobalStore store) {
        return Stream.of(store.source(), store.processor());
    }

    private static void appendEdges(final StringBuilder out, final TopologyDescription.Node node) {
        if (node instanceof TopologyDescription.Source source) {
            new TreeSet<>(sourceTopics(source)).forEach(topic ->
                    out.append("    ").append(topicShape(topic)).append(" --> ").append(id(node)).append('\n'));
        }
        sorted(node.successors().stream()).forEach(next ->
                out.append("    ").append(id(node)).append(" --> ").append(id(next)).append('\n'));
        if (node instanceof TopologyDescription.Processor processor) {
            new TreeSet<>(processor.stores()).forEach(store -> out.append("    ").append(id(node))
                    .append(" --- ").append("store_").append(sanitize(store)).append("[(\"").append(store).append("\")]\n"));
        }
        if (node instanceof TopologyDescription.Sink sink) {
            out.append("    ").append(id(node)).append(" --> ").append(topicShape(sinkTopic(sink))).append('\n');
        }
    }

    private static List<String> sourceTopics(final TopologyDescription.Source source) {
        return source.topicSet() != null ? List.copyOf(source.topicSet()) : List.of(source.topicPattern().pattern());
    }

    private static String sinkTopic(final TopologyDescription.Sink sink) {
        return sink.topic() != null ? sink.topic() : String.valueOf(sink.topicNameExtractor());
    }

    private static String nodeShape(final TopologyDescription.Node node) {
        final String kind = switch (node) {
            case TopologyDescription.Source source -> "source";
            case TopologyDescription.Sink sink -> "sink";
            case TopologyDescription.Processor processor -> "processor";
            default -> node.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        };
        return id(node) + "[\"" + node.name() + "<br/><i>" + kind + "</i>\"]";
    }

    private static String topicShape(final String topic) {
        return "topic_" + sanitize(topic) + "[/\"" + topic + "\"/]";
    }

    private static String id(final TopologyDescription.Node node) {
        return "node_" + sanitize(node.name());
    }

    private static String sanitize(final String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_");
    }

    private static Stream<TopologyDescription.Node> sorted(final Stream<TopologyDescription.Node> nodes) {
        return nodes.sorted(BY_ROLE_THEN_NAME);
    }

    private static int roleRank(final TopologyDescription.Node node) {
        return switch (node) {
            case TopologyDescription.Source source -> 0;
            case TopologyDescription.Sink sink -> 2;
            default -> 1;
        };
    }
}
