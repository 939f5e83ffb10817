package io.ethproofmanager.connectors.proof;

/** A validator could not decide (its node did not answer, a call failed): retry later, the proof is not invalid for it. */
public class ProofValidatorUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProofValidatorUnavailableException(final String message) {
        super(message);
    }

    public ProofValidatorUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
