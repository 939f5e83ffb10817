package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code eth_proof_manager.status} of a batch, in the order a batch normally moves through them. */
public enum BatchStatus {
    READY_TO_BE_PROVEN("ready_to_be_proven"),
    REQUEST_SENT_TO_L1("request_sent_to_l1"),
    ACKNOWLEDGED("acknowledged"),
    RECEIVED_PROOF("received_proof"),
    VALIDATION_RESULT_SENT_TO_L1("validation_result_sent_to_l1"),
    /** Refused, unacknowledged, timed out or proven invalid: handed to the rollup's own provers. */
    FALLEN_BACK("fallen_back");

    private final String wireName;

    BatchStatus(final String wireName) {
        this.wireName = wireName;
    }

    /** The name used on topics and in the database. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static BatchStatus fromWireName(final String wireName) {
        for (final BatchStatus status : values()) {
            if (status.wireName.equals(wireName)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown batch status '" + wireName + "'");
    }
}
