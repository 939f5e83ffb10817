package io.ethproofmanager.sandbox.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.sandbox.network.NetworkBehaviour.Action;
import io.ethproofmanager.contract.ContractErrors;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestSubmittedEventResponse;
import io.ethproofmanager.contract.proof.L1BatchProof;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The behaviour mix of a simulated network without a chain: parsing, the seeded decisions, the proofs it builds. */
class SimulatedProvingNetworkBehaviourTest {

    private static final String MIX = "valid=6,invalid=1,refuse=1,silent=1,ignore=1";

    @Test
    void parsesWeightsAndSettingsAndPrintsTheSameCompactForm() {
        final NetworkBehaviour behaviour = NetworkBehaviour.parse(" valid=6, Invalid=1 ,wrongVersion=2,late=1,silent=1,"
                + "refuse=1,ignore=1,delay=3,claimEvery=2,claimInterval=30");

        assertThat(behaviour.weights()).containsExactlyInAnyOrderEntriesOf(Map.of(Action.ACCEPT_AND_PROVE_VALID, 6,
                Action.ACCEPT_AND_PROVE_INVALID, 1, Action.ACCEPT_AND_PROVE_WRONG_VERSION, 2, Action.ACCEPT_AND_PROVE_LATE, 1,
                Action.ACCEPT_AND_STAY_SILENT, 1, Action.REFUSE, 1, Action.IGNORE, 1));
        assertThat(List.of(behaviour.provingDelay(), behaviour.claimInterval()))
                .containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(30));
        assertThat(behaviour.claimEvery()).isEqualTo(2);
        assertThat(NetworkBehaviour.parse(behaviour.toString())).isEqualTo(behaviour);
    }

    @Test
    void missingSettingsTakeTheirDefaults() {
        final NetworkBehaviour behaviour = NetworkBehaviour.parse("refuse=1");

        assertThat(behaviour).isEqualTo(NetworkBehaviour.always(Action.REFUSE));
        assertThat(behaviour.provingDelay()).isEqualTo(NetworkBehaviour.DEFAULT_PROVING_DELAY);
        assertThat(behaviour.claimEvery()).isEqualTo(NetworkBehaviour.DEFAULT_CLAIM_EVERY);
    }

    @Test
    void refusesMalformedMixesWithTheReason() {
        assertThatThrownBy(() -> NetworkBehaviour.parse("valid=1,bogus=2")).hasMessageContaining("unknown key 'bogus'");
        assertThatThrownBy(() -> NetworkBehaviour.parse("valid")).hasMessageContaining("is not key=number");
        assertThatThrownBy(() -> NetworkBehaviour.parse("valid=-1")).hasMessageContaining("valid must be between 0");
        assertThatThrownBy(() -> NetworkBehaviour.parse("valid=x")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> NetworkBehaviour.parse("valid=0,delay=1")).hasMessageContaining("positive weight");
        assertThatThrownBy(() -> NetworkBehaviour.parse("valid=1,claimEvery=0")).hasMessageContaining("claimEvery");
        assertThatThrownBy(() -> NetworkBehaviour.parse("valid=1,claimInterval=0")).hasMessageContaining("claimInterval");
    }

    @Test
    void theSameSeedGivesTheSameDecisionPerBatchInAnyOrder() {
        final NetworkBehaviour behaviour = NetworkBehaviour.parse(MIX);

        final List<Action> forward = decisions(behaviour, 42, LongStream.rangeClosed(1, 200));
        final List<Action> again = decisions(NetworkBehaviour.parse(MIX), 42, LongStream.rangeClosed(1, 200));
        final List<Action> backward = decisions(behaviour, 42, LongStream.iterate(200, b -> b >= 1, b -> b - 1)).reversed();

        assertThat(again).isEqualTo(forward);
        assertThat(backward).isEqualTo(forward);
        assertThat(decisions(behaviour, 43, LongStream.rangeClosed(1, 200))).isNotEqualTo(forward);
    }

    @Test
    void decisionsFollowTheWeightsAndNeverPickAZeroWeight() {
        final NetworkBehaviour behaviour = NetworkBehaviour.parse(MIX + ",late=0");
        final Map<Action, Integer> counts = new EnumMap<>(Action.class);
        decisions(behaviour, 7, LongStream.rangeClosed(1, 10_000)).forEach(a -> counts.merge(a, 1, Integer::sum));

        assertThat(counts).containsOnlyKeys(Action.ACCEPT_AND_PROVE_VALID, Action.ACCEPT_AND_PROVE_INVALID,
                Action.REFUSE, Action.ACCEPT_AND_STAY_SILENT, Action.IGNORE);
        assertThat(counts.get(Action.ACCEPT_AND_PROVE_VALID)).isBetween(5_700, 6_300);
        assertThat(counts.get(Action.REFUSE)).isBetween(850, 1_150);
        assertThat(counts.get(Action.IGNORE)).isBetween(850, 1_150);
    }

    @Test
    void aSingleActionIsAlwaysChosen() {
        assertThat(decisions(NetworkBehaviour.parse("ignore=3"), 1, LongStream.rangeClosed(1, 50))).containsOnly(Action.IGNORE);
    }

    @Test
    void provesValidlyOnlyWithTheTestVerifiersProofAndTheRequestedVersion() throws Exception {
        final BatchId batch = new BatchId(324, 17);
        final ProofRequestSubmittedEventResponse event = new ProofRequestSubmittedEventResponse();
        event.proofInputsUrl = "https://blobs.example/17.bin";
        event.protocolMajor = BigInteger.ZERO;
        event.protocolMinor = BigInteger.valueOf(29);
        event.protocolPatch = BigInteger.TWO;
        final ProtocolVersion version = new ProtocolVersion(0, 29, 2);
        final L1BatchProof.Fflonk expected = TestVerifierProofs.valid(version, TestVerifierProofs.demoPublicInput(batch), 17);

        final byte[] valid = SimulatedProvingNetwork.proof(batch, event, Action.ACCEPT_AND_PROVE_VALID);
        final var invalid = (L1BatchProof.Fflonk) L1BatchProofCodec.decode(
                SimulatedProvingNetwork.proof(batch, event, Action.ACCEPT_AND_PROVE_INVALID));
        final var wrongVersion = (L1BatchProof.Fflonk) L1BatchProofCodec.decode(
                SimulatedProvingNetwork.proof(batch, event, Action.ACCEPT_AND_PROVE_WRONG_VERSION));

        assertThat(valid).isEqualTo(L1BatchProofCodec.encode(expected));
        assertThat(invalid.protocolVersion()).isEqualTo(version);
        assertThat(invalid.schedulerProof().evaluations()).isNotEqualTo(expected.schedulerProof().evaluations());
        assertThat(invalid.schedulerProof().inputs()).isEqualTo(expected.schedulerProof().inputs());
        assertThat(wrongVersion.protocolVersion()).isNotEqualTo(version);
        assertThat(wrongVersion.schedulerProof()).isEqualTo(expected.schedulerProof());
        assertThatThrownBy(() -> SimulatedProvingNetwork.proof(batch, event, Action.ACCEPT_AND_STAY_SILENT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describesARevertByItsCustomErrorName() {
        final String selector = ContractErrors.selector(ProofManager.PROOFREQUESTPROVINGDEADLINEPASSED_ERROR);

        final String described = SimulatedProvingNetwork.describe(new IllegalStateException(
                "Transaction 0x1e9769057b1aed3337afdcf7 has failed: 'execution reverted: custom error " + selector + ":'"));

        assertThat(described).startsWith("reverted with ProofRequestProvingDeadlinePassed (");
        assertThat(SimulatedProvingNetwork.describe(new IllegalStateException("connection refused")))
                .isEqualTo("connection refused");
    }

    private static List<Action> decisions(final NetworkBehaviour behaviour, final long seed, final LongStream batches) {
        return batches.mapToObj(b -> behaviour.decide(seed, new BatchId(324, b))).toList();
    }
}
