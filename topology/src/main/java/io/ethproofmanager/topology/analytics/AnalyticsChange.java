package io.ethproofmanager.topology.analytics;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;

/** A change to one network's {@link NetworkStats}, sent keyed by network through the analytics repartition topic. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AnalyticsChange.BatchChange.class, name = "BatchChange"),
    @JsonSubTypes.Type(value = AnalyticsChange.ClaimChange.class, name = "ClaimChange")
})
public sealed interface AnalyticsChange {

    /** The network's figures after this change. */
    NetworkStats applyTo(NetworkStats stats);

    /** The changes of each network touched when a batch's facts go from {@code before} to {@code after}. */
    static List<KeyValue<ProvingNetwork, AnalyticsChange>> between(final BatchRequestFacts before, final BatchRequestFacts after) {
        final Optional<ProvingNetwork> oldNetwork = before.network();
        final Optional<ProvingNetwork> newNetwork = after.network();
        if (oldNetwork.isPresent() && oldNetwork.equals(newNetwork)) {
            return List.of(KeyValue.pair(oldNetwork.get(), new BatchChange(before, after)));
        }
        final Optional<KeyValue<ProvingNetwork, AnalyticsChange>> undo =
                oldNetwork.map(network -> KeyValue.pair(network, new BatchChange(before, BatchRequestFacts.none())));
        final Optional<KeyValue<ProvingNetwork, AnalyticsChange>> redo =
                newNetwork.map(network -> KeyValue.pair(network, new BatchChange(BatchRequestFacts.none(), after)));
        return Stream.of(undo, redo).flatMap(Optional::stream).toList();
    }

    /** A batch's contribution replaced: {@code before}'s taken out, {@code after}'s added. */
    record BatchChange(BatchRequestFacts before, BatchRequestFacts after) implements AnalyticsChange {

        public BatchChange {
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public NetworkStats applyTo(final NetworkStats stats) {
            return stats.replace(before, after);
        }
    }

    /** A reward claim ({@code amountMicroUsdc} positive) or its retraction (negative). */
    record ClaimChange(long amountMicroUsdc) implements AnalyticsChange {

        @Override
        public NetworkStats applyTo(final NetworkStats stats) {
            return stats.claimed(amountMicroUsdc);
        }
    }
}
