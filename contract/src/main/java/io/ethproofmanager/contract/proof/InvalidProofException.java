package io.ethproofmanager.contract.proof;

/** A submitted proof that cannot be valid as it stands (malformed, truncated, wrong variant, out of range): the reason says why. */
public final class InvalidProofException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidProofException(final String reason) {
        super(reason);
    }

    public InvalidProofException(final String reason, final Throwable cause) {
        super(reason, cause);
    }

    /** Why the proof is invalid, fit for a verdict. */
    public String reason() {
        return getMessage();
    }
}
