package io.ethproofmanager.connectors.proof;

import java.util.Locale;

/**
 * How the configured L1 verifier takes an FFLONK proof: {@link #PLAIN} the 24 words; {@link #DUAL} (the rollup's
 * {@code DualVerifier}, which routes between its FFLONK and PLONK verifiers) the verifier type word 0 first.
 */
public enum VerifierKind {
    PLAIN,
    DUAL;

    /** Parses {@code plain} or {@code dual} (any case). */
    public static VerifierKind parse(final String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("verifier kind must be plain or dual, was '" + text + "'", e);
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
