package io.ethproofmanager.connectors.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The verifier-contract validator against the real ProofManager and TestVerifier on anvil: each reason, and errors. */
class VerifierContractValidatorTest {

    private static final AtomicLong NEXT_BATCH = new AtomicLong(100);
    private static final long ROLLUP = 324;

    private static LocalChain chain;
    private static ChainRequests requests;
    private static VerifierContractValidator validator;

    private String snapshot;
    private BatchId batch;

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start();
        requests = new ChainRequests(chain);
        validator = new VerifierContractValidator(chain.web3j(), chain.proofManagerAddress(), chain.verifierAddress());
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @BeforeEach
    void requestABatch() throws Exception {
        snapshot = chain.snapshot();
        batch = new BatchId(ROLLUP, NEXT_BATCH.incrementAndGet());
        requests.request(batch);
    }

    @AfterEach
    void restore() {
        chain.revert(snapshot);
    }

    @Test
    void acceptsTheProofTheVerifierAccepts() {
        assertThat(validator.validate(batch, ChainRequests.validProof(batch, ChainRequests.VERSION)))
                .isEqualTo(Validation.accepted("verifier accepted"));
    }

    @Test
    void refusesASnarkTheVerifierRefuses() {
        final byte[] proof = ChainRequests.validProof(batch, ChainRequests.VERSION);
        proof[proof.length - 1] ^= 1;

        final Validation validation = validator.validate(batch, proof);

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).contains("verifier refused");
    }

    @Test
    void refusesAProofForAnotherProtocolVersionNamingBothVersions() {
        final Validation validation = validator.validate(batch, ChainRequests.validProof(batch, new ProtocolVersion(0, 30, 0)));

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).contains("0.30.0").contains("0.29.2");
    }

    @Test
    void refusesAnEmptyProofAndOneTooShortToHoldAVersionAndASnark() {
        final byte[] versionOnly = Arrays.copyOf(ChainRequests.validProof(batch, ChainRequests.VERSION),
                ProofFormat.VERSION_PREFIX_BYTES);

        assertThat(validator.validate(batch, new byte[0])).isEqualTo(Validation.refused("empty proof"));
        final Validation tooShort = validator.validate(batch, versionOnly);
        assertThat(tooShort.valid()).isFalse();
        assertThat(tooShort.reason()).contains("12 bytes is too short");
    }

    @Test
    void aBatchWithoutARequestOnChainIsLeftOpenNotInvalid() {
        final BatchId unknown = new BatchId(ROLLUP, 999_999);

        assertThatThrownBy(() -> validator.validate(unknown, ChainRequests.validProof(unknown, ChainRequests.VERSION)))
                .isInstanceOf(ProofValidatorUnavailableException.class).hasMessageContaining("holds no request");
    }

    @Test
    void aDeadNodeIsUnavailableNotInvalid() {
        final Web3j dead = Web3j.build(new HttpService("http://127.0.0.1:1"));
        try {
            final VerifierContractValidator unreachable =
                    new VerifierContractValidator(dead, chain.proofManagerAddress(), chain.verifierAddress());

            assertThatThrownBy(() -> unreachable.validate(batch, ChainRequests.validProof(batch, ChainRequests.VERSION)))
                    .isInstanceOf(ProofValidatorUnavailableException.class).hasMessageContaining("cannot read proofRequest");
        } finally {
            dead.shutdown();
        }
    }

    @Test
    void aFailingVerifierCallIsUnavailableUntilItAnswers() {
        try (FailingRpcProxy proxy = FailingRpcProxy.start(chain.rpcUrl(), chain.verifierAddress(), 1)) {
            final Web3j flaky = Web3j.build(new HttpService(proxy.url()));
            try {
                final VerifierContractValidator behindProxy =
                        new VerifierContractValidator(flaky, chain.proofManagerAddress(), chain.verifierAddress());
                final byte[] proof = ChainRequests.validProof(batch, ChainRequests.VERSION);

                assertThatThrownBy(() -> behindProxy.validate(batch, proof))
                        .isInstanceOf(ProofValidatorUnavailableException.class).hasMessageContaining("internal error");
                assertThat(behindProxy.validate(batch, proof).valid()).isTrue();
                assertThat(proxy.failed()).isEqualTo(1);
            } finally {
                flaky.shutdown();
            }
        }
    }
}
