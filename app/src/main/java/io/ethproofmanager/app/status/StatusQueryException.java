package io.ethproofmanager.app.status;

/** A status query the database did not answer (unreachable, or refused the statement). */
public final class StatusQueryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StatusQueryException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
