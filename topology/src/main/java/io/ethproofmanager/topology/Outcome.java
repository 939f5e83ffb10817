package io.ethproofmanager.topology;

import java.util.Locale;

/** What the batch state machine made of one event; counted by the topology as {@code epm_topology_events_total}. */
public enum Outcome {
    /** A new batch became ready_to_be_proven; its proof request is issued at the first chain time seen (REQUEST_ISSUED). */
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
    /**
     * The batch fell back to in-house proving for another reason (refused at submission, not picked up: its request
     * expired unsent, unacknowledged, timed out, invalid proof); its fallback record names it.
     */
    FELL_BACK,
    /** A proof verdict moved the batch to received_proof and asked for its validation result to be sent to L1. */
    PROOF_RECEIVED,
    /** A verdict for a batch that already has one: the first verdict stands, nothing changes. */
    SECOND_VERDICT,
    /** A successful validation result reached L1 (mined, or its ProofValidationResult event) and changed the batch's record. */
    VALIDATION_SENT,
    /**
     * A ready batch met its first chain time: that time was kept as the start of its pick-up clock and its proof request was
     * issued with the deadline {@code start + notPickedUp}, after which the L1 sender will not send it.
     */
    REQUEST_ISSUED,
    /** An event kept in the state of a batch that already fell back: it stays fallen_back and nothing more is sent. */
    LATE_AFTER_FALLBACK,
    /**
     * The first proof verdict of a batch that already fell back: it stays fallen_back, but its validation result is still
     * sent, so that no request this manager made stays Proven on chain.
     */
    LATE_PROOF_ANSWERED,
    /**
     * The state of a batch in a final status was dropped at a chain-time tick, its retention after its final change
     * having passed ({@link BatchTopology#DEFAULT_FINISHED_RETENTION}).
     */
    FINISHED_DROPPED,
    /** A deadline check found nothing due: nothing changes (not counted). */
    NOTHING_DUE,
    /**
     * A live contract event was retracted after a reorg and removed from the batch's state, or a {@code reorged_out}
     * transaction result replaced a mined one, and the record changed.
     */
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
