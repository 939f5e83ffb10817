package io.ethproofmanager.connectors.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.connectors.testing.TestSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code epm.l1.verifier-kind} and {@code epm.proofs}: their defaults, the environment, and bad values named. */
class ProofValidationSettingsTest {

    @Test
    void proofsAreValidatedBehindADualVerifierAcceptingFflonkWithoutCommitmentsAndHandedBackByDefault() {
        final ProofValidationSettings proofs = ProofValidationSettings.from(TestSettings.reference());

        assertThat(proofs.verifierKind()).isEqualTo(VerifierKind.DUAL);
        assertThat(proofs.acceptedVariants()).containsExactly("Fflonk");
        assertThat(proofs.commitmentsQuery()).isEmpty();
        assertThat(proofs.handoff()).isTrue();
        assertThat(proofs.handoffProofKeyTemplate()).isEqualTo("proofs_fri/l1_batch_proof_{batch}_{major}_{minor}_{patch}.cbor");
    }

    @Test
    void everyKeyFollowsItsEnvironmentVariable() {
        final var withEnv = ConfigFactory.parseMap(Map.of("EPM_L1_VERIFIER_KIND", "plain",
                        "EPM_PROOFS_ACCEPTED_VARIANTS", "Fflonk, Plonk",
                        "EPM_PROOFS_COMMITMENTS_QUERY", "SELECT number, commitment FROM l1_batches WHERE number BETWEEN ? - 1 AND ?",
                        "EPM_PROOFS_HANDOFF_ENABLED", "false",
                        "EPM_PROOFS_HANDOFF_PROOF_KEY_TEMPLATE", "proofs/{chain_id}/{batch}.cbor"))
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve();

        final ProofValidationSettings proofs = ProofValidationSettings.from(withEnv);

        assertThat(proofs.verifierKind()).isEqualTo(VerifierKind.PLAIN);
        assertThat(proofs.acceptedVariants()).containsExactly("Fflonk", "Plonk");
        assertThat(proofs.commitmentsQuery()).contains("SELECT number, commitment FROM l1_batches WHERE number BETWEEN ? - 1 AND ?");
        assertThat(proofs.handoff()).isFalse();
        assertThat(proofs.handoffProofKeyTemplate()).isEqualTo("proofs/{chain_id}/{batch}.cbor");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> ProofValidationSettings.from(TestSettings.with("epm.l1.verifier-kind = triple")))
                .hasMessageContaining("epm.l1.verifier-kind (EPM_L1_VERIFIER_KIND) must be plain or dual");
        assertThatThrownBy(() -> ProofValidationSettings.from(TestSettings.with("epm.proofs.accepted-variants = \"Fflonk,Groth16\"")))
                .hasMessageContaining("epm.proofs.accepted-variants").hasMessageContaining("Groth16");
        assertThatThrownBy(() -> ProofValidationSettings.from(TestSettings.with("epm.proofs.handoff.proof-key-template = \"proofs/latest.cbor\"")))
                .hasMessageContaining("epm.proofs.handoff.proof-key-template").hasMessageContaining("{batch}");
    }
}
