package io.ethproofmanager.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** The topology's Micrometer counters: events by outcome and dead letters by source topic. */
public final class TopologyMetrics {

    /** Events the state machine decided on, tagged {@code outcome} (see {@link Outcome#tag()}). */
    public static final String EVENTS = "epm_topology_events_total";
    /** Input records sent to the dead-letter topic, tagged {@code topic} with the source topic. */
    public static final String DEAD_LETTERS = "epm_dead_letters_total";

    private final MeterRegistry meters;
    private final Map<Outcome, Counter> events = new EnumMap<>(Outcome.class);

    TopologyMetrics(final MeterRegistry meters) {
        this.meters = Objects.requireNonNull(meters, "meters");
        for (final Outcome outcome : Outcome.values()) {
            events.put(outcome, Counter.builder(EVENTS)
                    .description("Batch events decided by the topology, by outcome")
                    .tag("outcome", outcome.tag())
                    .register(meters));
        }
    }

    void countEvent(final Outcome outcome) {
        events.get(outcome).increment();
    }

    /** The dead-letter counter of one source topic, registered now so that it reads 0 before the first bad record. */
    Counter deadLetters(final String sourceTopic) {
        return Counter.builder(DEAD_LETTERS)
                .description("Input records sent to the dead-letter topic, by source topic")
                .tag("topic", sourceTopic)
                .register(meters);
    }
}
