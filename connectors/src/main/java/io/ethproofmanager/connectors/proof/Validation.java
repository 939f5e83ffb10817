package io.ethproofmanager.connectors.proof;

import java.util.Objects;

/** A validator's decision on one proof: valid or not, and why (e.g. "verifier accepted"). */
public record Validation(boolean valid, String reason) {

    public Validation {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a validation needs a reason");
        }
    }

    public static Validation accepted(final String reason) {
        return new Validation(true, reason);
    }

    public static Validation refused(final String reason) {
        return new Validation(false, reason);
    }
}
