package io.ethproofmanager.connectors.proof;

import com.typesafe.config.Config;
import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * How received proofs are validated and handed back, read from {@code epm.l1.verifier-kind} and {@code epm.proofs}
 * ({@link #from}).
 *
 * @param verifierKind how the rollup's L1 verifier takes an FFLONK proof: {@code plain} (the 24 words) or {@code dual}
 *     (the verifier type word first)
 * @param acceptedVariants the {@code L1BatchProofForL1} variants accepted; a proof of another one is invalid
 * @param commitmentsQuery SQL returning the rollup's commitments of batches N-1 and N, which the public input must follow
 *     from; empty: the proof's own public input is used, and the verdict says so
 * @param handoff whether valid proofs and fallbacks are handed back to the rollup (its blob store and
 *     {@code proof_generation_details})
 * @param handoffProofKeyTemplate the rollup blob store's key of a valid proof
 */
public record ProofValidationSettings(VerifierKind verifierKind, Set<String> acceptedVariants, Optional<String> commitmentsQuery,
        boolean handoff, String handoffProofKeyTemplate) {

    /** Reads {@code epm.l1.verifier-kind} and {@code epm.proofs} of {@code config} (resolved). */
    public static ProofValidationSettings from(final Config config) {
        final SettingsReader settings = SettingsReader.of(config);
        return new ProofValidationSettings(
                settings.parsed("epm.l1.verifier-kind", "plain or dual", false, VerifierKind::parse),
                settings.parsed("epm.proofs.accepted-variants", "comma-separated variants of " + String.join(", ", L1BatchProofCodec.VARIANTS),
                        false, ProofValidationSettings::variants),
                settings.optionalText("epm.proofs.commitments-query"),
                settings.bool("epm.proofs.handoff.enabled"),
                settings.parsed("epm.proofs.handoff.proof-key-template", "a key with {batch}", false, template -> {
                    if (!template.contains("{batch}")) {
                        throw new IllegalArgumentException("no {batch} in " + template);
                    }
                    return template;
                }));
    }

    private static Set<String> variants(final String list) {
        final Set<String> variants = new LinkedHashSet<>();
        for (final String variant : list.split(",")) {
            if (variant.isBlank()) {
                continue;
            }
            if (!L1BatchProofCodec.VARIANTS.contains(variant.trim())) {
                throw new IllegalArgumentException("unknown proof variant '" + variant.trim() + "'");
            }
            variants.add(variant.trim());
        }
        return Collections.unmodifiableSet(variants);
    }
}
