package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.contract.proof.L1BatchProof;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The verifier-contract validator against the real ProofManager and TestVerifier (IVerifier) on anvil, and the rollup's
 * commitments on a real PostgreSQL: each reason, and errors that leave the question open.
 */
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
    void acceptsTheProofTheVerifierAcceptsSayingItsPublicInputIsTheProofsOwn() {
        final Validation validation = validator.validate(batch, ChainRequests.validProof(batch, ChainRequests.VERSION));

        assertThat(validation.valid()).isTrue();
        assertThat(validation.reason()).startsWith("verifier accepted").contains("public input taken from the proof");
    }

    @Test
    void aPlainVerifierTakesTheProofWithoutTheTypeWord() {
        final VerifierContractValidator plain = new VerifierContractValidator(chain.web3j(), chain.proofManagerAddress(),
                chain.verifierAddress(), VerifierKind.PLAIN, VerifierContractValidator.DEFAULT_ACCEPTED_VARIANTS,
                RollupCommitments.NONE);

        assertThat(plain.validate(batch, ChainRequests.validProof(batch, ChainRequests.VERSION)).valid()).isTrue();
    }

    @Test
    void oneChangedEvaluationIsInvalidThroughTheVerifier() {
        final byte[] proof = L1BatchProofCodec.encode(
                TestVerifierProofs.withChangedEvaluation(ChainRequests.validFflonk(batch, ChainRequests.VERSION)));

        final Validation validation = validator.validate(batch, proof);

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).contains("verifier returned false");
    }

    @Test
    void oneChangedCommitmentLimbIsInvalidWithTheVerifiersRevertReason() {
        final L1BatchProof.Fflonk valid = ChainRequests.validFflonk(batch, ChainRequests.VERSION);
        final L1BatchProof.SchedulerProof s = valid.schedulerProof();
        final List<L1BatchProof.G1> commitments = new ArrayList<>(s.commitments());
        final L1BatchProof.G1 first = commitments.getFirst();
        commitments.set(0, new L1BatchProof.G1(first.x().flipBit(0), first.y()));
        final byte[] proof = L1BatchProofCodec.encode(new L1BatchProof.Fflonk(valid.aggregationResultCoords(),
                new L1BatchProof.SchedulerProof(s.n(), s.inputs(), commitments, s.evaluations(), s.lagrangeBasisInverses()),
                valid.protocolVersion()));

        final Validation validation = validator.validate(batch, proof);

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).contains("verifier reverted").contains("commitment 0 is not on the curve");
    }

    @Test
    void aVerifierThatRevertsWithoutAReasonMakesTheProofInvalid() {
        // the proof manager has no verify function and no fallback: every call to it reverts
        final VerifierContractValidator reverting = new VerifierContractValidator(chain.web3j(), chain.proofManagerAddress(),
                chain.proofManagerAddress());

        final Validation validation = reverting.validate(batch, ChainRequests.validProof(batch, ChainRequests.VERSION));

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).contains("verifier reverted").contains("execution reverted");
    }

    @Test
    void refusesAProofForAnotherProtocolVersionNamingBothVersions() {
        final Validation validation = validator.validate(batch, ChainRequests.validProof(batch, new ProtocolVersion(0, 30, 0)));

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).contains("0.30.0").contains("0.29.2");
    }

    @Test
    void refusesAnEmptyATruncatedAndAPlonkTaggedProofEachWithItsReason() {
        final byte[] proof = ChainRequests.validProof(batch, ChainRequests.VERSION);
        final byte[] plonk = new byte[] {(byte) 0xa1, 0x65, 'i', 'n', 'n', 'e', 'r', (byte) 0xa1, 0x65, 'P', 'l', 'o', 'n', 'k',
                (byte) 0xa0};

        assertThat(validator.validate(batch, new byte[0])).isEqualTo(Validation.refused("empty proof"));
        assertThat(validator.validate(batch, Arrays.copyOf(proof, proof.length - 3)).reason()).startsWith("truncated CBOR");
        assertThat(validator.validate(batch, plonk))
                .isEqualTo(Validation.refused("proof variant Plonk is not accepted (accepted: Fflonk)"));
    }

    @Test
    void withTheRollupsCommitmentsThePublicInputMustFollowFromThem() throws Exception {
        try (Database database = SharedInfrastructure.freshDatabase("validator_commitments")) {
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE l1_batches (number BIGINT PRIMARY KEY, commitment BYTEA)");
            }
            final VerifierContractValidator withCommitments = new VerifierContractValidator(chain.web3j(),
                    chain.proofManagerAddress(), chain.verifierAddress(), VerifierKind.DUAL, Set.of("Fflonk"),
                    new SqlRollupCommitments(database.dataSource(),
                            "SELECT number, commitment FROM l1_batches WHERE number BETWEEN ? - 1 AND ?"));
            final byte[] proof = ChainRequests.validProof(batch, ChainRequests.VERSION);

            insertCommitment(database, batch.batchNumber(), TestVerifierProofs.demoCommitment(ROLLUP, batch.batchNumber()));
            final Validation onlyOne = withCommitments.validate(batch, proof);
            assertThat(onlyOne.valid()).isTrue();
            assertThat(onlyOne.reason()).contains("public input taken from the proof");

            insertCommitment(database, batch.batchNumber() - 1, TestVerifierProofs.demoCommitment(ROLLUP, batch.batchNumber() - 1));
            final Validation matching = withCommitments.validate(batch, proof);
            assertThat(matching.valid()).isTrue();
            assertThat(matching.reason()).contains("public input matches the rollup's commitments of batches "
                    + (batch.batchNumber() - 1) + " and " + batch.batchNumber());

            final byte[] otherInput = L1BatchProofCodec.encode(TestVerifierProofs.valid(ChainRequests.VERSION,
                    TestVerifierProofs.demoPublicInput(new BatchId(ROLLUP, batch.batchNumber() + 1)), 3));
            assertThat(validator.validate(batch, otherInput).valid()).as("the verifier alone accepts it").isTrue();
            final Validation mismatch = withCommitments.validate(batch, otherInput);
            assertThat(mismatch.valid()).isFalse();
            assertThat(mismatch.reason()).contains("is not the batch's").contains("from the rollup's commitments");
        }
    }

    private static void insertCommitment(final Database database, final long number, final byte[] commitment) throws Exception {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO l1_batches (number, commitment) VALUES (?, ?)")) {
            insert.setLong(1, number);
            insert.setBytes(2, commitment);
            insert.executeUpdate();
        }
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
