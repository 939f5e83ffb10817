package io.ethproofmanager.connectors.source.readiness;

/** One batch could not be published in this round, for {@link #reason()}; the round goes on with the next batch. */
final class BatchFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final FailureReason reason;

    BatchFailure(final FailureReason reason, final String message, final Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    FailureReason reason() {
        return reason;
    }
}
