package io.ethproofmanager.topology;

import java.util.Locale;

/** What the batch state machine made of one event; counted by the topology as {@code epm_topology_events_total}. */
public enum Outcome {
    /** A new batch became ready_to_be_proven and a proof request was asked for. */
    BATCH_READY,
    /** A readiness event for a batch that already has a status: it never resets the batch. */
    DUPLICATE_READINESS,
    /** A contract event about a batch this system has no status for. */
    UNKNOWN_BATCH,
    /** A contract event about a known batch that changes nothing (yet). */
    IGNORED_EVENT;

    /** The metric tag value: the lower-case name. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
