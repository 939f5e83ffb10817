package io.ethproofmanager.app.status;

import java.util.Objects;

/**
 * One finished batch's time from its first ready status to its first final one (seconds, from the history's change
 * times), with its chain, the network it was assigned to ({@code none} when none) and its outcome.
 */
public record FinalLatency(long chainId, String network, String outcome, double seconds) {

    /** A proof validated and reported valid on L1. */
    public static final String VALIDATED = "validated";
    /** A proof reported invalid on L1. */
    public static final String FAILED = "failed";
    /** Handed to the rollup's own provers. */
    public static final String FALLEN_BACK = "fallen_back";

    public FinalLatency {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(outcome, "outcome");
    }

    static String outcome(final String status, final String validationStatus) {
        if ("fallen_back".equals(status)) {
            return FALLEN_BACK;
        }
        return "successful".equals(validationStatus) ? VALIDATED : FAILED;
    }
}
