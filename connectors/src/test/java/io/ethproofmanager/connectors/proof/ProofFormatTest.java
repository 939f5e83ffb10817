package io.ethproofmanager.connectors.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import org.junit.jupiter.api.Test;

class ProofFormatTest {

    @Test
    void aProofSplitsIntoItsVersionAndSnark() {
        final byte[] snark = ProofFormat.testVerifierSnark(ProofFormat.publicInput(new BatchId(271, 7), "https://b/7.bin"));

        final ProofFormat.Parsed parsed = ProofFormat.parse(ProofFormat.encode(new ProtocolVersion(0, 28, 1), snark));

        assertThat(parsed.protocolVersion()).isEqualTo(new ProtocolVersion(0, 28, 1));
        assertThat(parsed.snark()).isEqualTo(snark).hasSize(32);
    }

    @Test
    void thePublicInputCommitsToTheBatchAndItsInputs() {
        final byte[] input = ProofFormat.publicInput(new BatchId(271, 7), "https://b/7.bin");

        assertThat(input).hasSize(32);
        assertThat(ProofFormat.publicInput(new BatchId(271, 8), "https://b/7.bin")).isNotEqualTo(input);
        assertThat(ProofFormat.publicInput(new BatchId(272, 7), "https://b/7.bin")).isNotEqualTo(input);
        assertThat(ProofFormat.publicInput(new BatchId(271, 7), "https://b/other.bin")).isNotEqualTo(input);
    }

    @Test
    void aProofWithoutSnarkIsRefused() {
        assertThatThrownBy(() -> ProofFormat.parse(new byte[12])).hasMessageContaining("too short");
        assertThatThrownBy(() -> ProofFormat.parse(new byte[0])).hasMessageContaining("too short");
    }
}
