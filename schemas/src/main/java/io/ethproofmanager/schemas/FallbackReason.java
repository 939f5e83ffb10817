package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a batch was handed to the rollup's own provers. */
public enum FallbackReason {
    /** Ready, but its proof request was not on L1 in time. */
    NOT_PICKED_UP("not_picked_up"),
    /** The contract could assign it to no active network (assignee None or Inactive): Refused at submission. */
    REFUSED_AT_SUBMISSION("refused_at_submission"),
    /** The assigned network refused it. */
    REFUSED("refused"),
    /** The assigned network did not acknowledge before the deadline. */
    UNACKNOWLEDGED("unacknowledged"),
    /** The assigned network did not prove it before the deadline. */
    TIMED_OUT("timed_out"),
    /** The network's proof failed validation. */
    INVALID_PROOF("invalid_proof");

    private final String wireName;

    FallbackReason(final String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
