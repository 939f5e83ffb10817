package io.ethproofmanager.schemas;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of one deployment's topics: {@code <prefix>.<kind>.v<major>}, e.g. {@code epm.batch-status.v1} under the
 * default prefix {@value #DEFAULT_PREFIX} (the names of {@link Topics}) or {@code rollup-b.batch-status.v1} under
 * {@code rollup-b}. Deployments with different prefixes on one Kafka cluster share no topic, so neither sees the other's
 * batches. The serdes, schemas and compaction of each topic stay those of {@link Topics}.
 */
public record TopicNames(String prefix) {

    /** What Kafka accepts in a topic name, leaving room for the kind (initialized before {@link #DEFAULT}). */
    private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,149}");

    /** The prefix of the names in {@link Topics}. */
    public static final String DEFAULT_PREFIX = "epm";
    /** The names of {@link Topics}. */
    public static final TopicNames DEFAULT = new TopicNames(DEFAULT_PREFIX);

    public TopicNames {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches() || prefix.endsWith(".")) {
            throw new IllegalArgumentException("a topic prefix is 1 to 150 of a-z A-Z 0-9 . _ - and does not end with '.', was '"
                    + prefix + "'");
        }
    }

    /** {@code topic} under this prefix: the same serdes and compaction. */
    public <K, V> Topic<K, V> of(final Topic<K, V> topic) {
        return prefix.equals(DEFAULT_PREFIX) ? topic
                : new Topic<>(name(topic.name()), topic.keySerde(), topic.valueSerde(), topic.compacted());
    }

    /** A topic name of the default prefix ({@code epm.<kind>.v1}) under this prefix. */
    public String name(final String defaultName) {
        if (!defaultName.startsWith(DEFAULT_PREFIX + ".")) {
            throw new IllegalArgumentException("not a topic name of prefix " + DEFAULT_PREFIX + ": " + defaultName);
        }
        return prefix + defaultName.substring(DEFAULT_PREFIX.length());
    }

    /** Every topic of {@link Topics#all()} under this prefix. */
    public List<Topic<?, ?>> all() {
        return Topics.all().stream().<Topic<?, ?>>map(this::of).toList();
    }
}
