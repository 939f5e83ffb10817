package io.ethproofmanager.connectors.source.readiness;

/** The readiness checker could not read or record batches in PostgreSQL (the round is abandoned and retried). */
public final class ReadinessDatabaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReadinessDatabaseException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
