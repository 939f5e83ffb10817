package io.ethproofmanager.topology;

import java.util.Locale;

/** What the batch state machine made of one event; counted by the topology as {@code epm_topology_events_total}. */
public enum Outcome {
    /** A new batch became ready_to_be_proven and a proof request was asked for. */
    BATCH_READY,
    /** A readiness event for a batch that already has a status: it never resets the batch. */
    DUPLICATE_READINESS,
    /** A contract event or transaction result about a batch this system has no status for: nothing stored. */
    UNKNOWN_BATCH,
    /** A ProofRequestSubmitted event or a mined proof request changed the batch's record. */
    REQUEST_SENT,
    /** An accepting ProofRequestAcknowledged changed the batch's record. */
    ACKNOWLEDGED,
    /** A refusing ProofRequestAcknowledged changed the batch's record: the batch fell back to in-house proving. */
    REFUSED,
    /** A live contract event was retracted after a reorg and removed from the batch's state. */
    RETRACTED,
    /** A retraction of an event the batch's state does not hold: nothing changes. */
    UNKNOWN_RETRACTION,
    /** An event the batch's state already holds, or a transaction result equal to the one held: nothing changes. */
    DUPLICATE_EVENT,
    /** A contract event kept in the batch's state that leaves its record as it was. */
    EVENT_RECORDED,
    /** A transaction result kept in the batch's state that leaves its record as it was. */
    TX_RESULT_RECORDED;

    /** The metric tag value: the lower-case name. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
