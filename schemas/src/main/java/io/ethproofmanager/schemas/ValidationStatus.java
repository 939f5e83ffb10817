package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code eth_proof_manager.validation_status} of a received proof. */
public enum ValidationStatus {
    SUCCESSFUL("successful"),
    FAILED("failed");

    private final String wireName;

    ValidationStatus(final String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static ValidationStatus fromWireName(final String wireName) {
        for (final ValidationStatus status : values()) {
            if (status.wireName.equals(wireName)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown validation status '" + wireName + "'");
    }
}
