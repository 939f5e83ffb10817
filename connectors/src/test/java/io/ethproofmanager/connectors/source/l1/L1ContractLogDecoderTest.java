package io.ethproofmanager.connectors.source.l1;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.core.methods.response.Log;

/** The decoder's checks and decoding, on hand-made logs with the contract's ABI encoding. */
class L1ContractLogDecoderTest {

    private static final String CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final String OTHER_CONTRACT = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    private static final long CHAIN = 324;
    private static final String BLOCK_HASH = "0x" + "ab".repeat(32);
    private static final String TX_HASH = "0x" + "cd".repeat(32);
    private static final Instant MINED = Instant.parse("2026-11-25T10:00:00Z");
    private static final LogPosition POSITION = new LogPosition(42, BLOCK_HASH, TX_HASH, 3, MINED);

    private final ContractLogDecoder decoder = new ContractLogDecoder(CONTRACT.toUpperCase().replace("0X", "0x"), Set.of(CHAIN, 325L),
            L1IngesterSettings.maxProofBytes(SettingsReader.of(TestSettings.reference())));

    @Test
    void acknowledgedLogBecomesTheBatchEventWithItsPosition() {
        final DecodedLog decoded = decoder.decode(acknowledged(CONTRACT, CHAIN, encode(new Bool(true))), MINED);

        assertThat(decoded).isEqualTo(new DecodedLog.Batch(
                new L1Event.ProofRequestAcknowledged(CHAIN, 7, true, ProvingNetwork.LAGRANGE, POSITION, false)));
    }

    @Test
    void submittedLogDecodesItsDynamicStringAndNumbers() {
        final String data = encode(new Utf8String("https://blobs.example/7.bin"), new Uint32(0), new Uint32(29), new Uint32(2),
                new Uint256(4_800), new Uint256(4_000_000), new Uint256(11));
        final Log log = log(CONTRACT, data, ProofManager.PROOFREQUESTSUBMITTED_EVENT, word(CHAIN), word(7), word(1));

        assertThat(decoder.decode(log, MINED)).isEqualTo(new DecodedLog.Batch(new L1Event.ProofRequestSubmitted(CHAIN, 7,
                ProvingNetwork.FERMAH, "https://blobs.example/7.bin", new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, 11, POSITION, false)));
    }

    @Test
    void provenLogKeepsTheProofAsHex() {
        final String data = encode(new DynamicBytes(new byte[] {1, 2, (byte) 0xff}), new Uint8(2), new Uint256(3_500_000));
        final Log log = log(CONTRACT, data, ProofManager.PROOFREQUESTPROVEN_EVENT, word(CHAIN), word(7));

        assertThat(decoder.decode(log, MINED)).isEqualTo(new DecodedLog.Batch(
                new L1Event.ProofRequestProven(CHAIN, 7, "0x0102ff", ProvingNetwork.LAGRANGE, 3_500_000, POSITION, false)));
    }

    @Test
    void networkEventsAreKeyedByTheirNetworkAndFundsWithdrawnByNone() {
        final Log claimed = log(CONTRACT, encode(new Uint256(4_000_000)), ProofManager.REWARDCLAIMED_EVENT, word(1));
        final String token = "0x" + "11".repeat(20);
        final String admin = "0x" + "22".repeat(20);
        final Log withdrawn = log(CONTRACT, encode(new Uint256(5)), ProofManager.FUNDSWITHDRAWN_EVENT,
                TypeEncoder.encode(new Address(token)), TypeEncoder.encode(new Address(admin)));
        final Log inactive = log(CONTRACT, encode(new Uint8(1)), ProofManager.PROVINGNETWORKSTATUSUPDATED_EVENT, word(2));

        assertThat(List.of(decoder.decode(claimed, MINED), decoder.decode(withdrawn, MINED), decoder.decode(inactive, MINED)))
                .containsExactly(
                        new DecodedLog.Network(ProvingNetwork.FERMAH, new NetworkEvent.RewardClaimed(ProvingNetwork.FERMAH, 4_000_000, POSITION, false)),
                        new DecodedLog.Network(ProvingNetwork.NONE, new NetworkEvent.FundsWithdrawn(token, admin, "5", POSITION, false)),
                        new DecodedLog.Network(ProvingNetwork.LAGRANGE,
                                new NetworkEvent.ProvingNetworkStatusUpdated(ProvingNetwork.LAGRANGE, false, POSITION, false)));
    }

    @Test
    void logOfAnotherContractIsSkipped() {
        assertThat(reason(decoder.decode(acknowledged(OTHER_CONTRACT, CHAIN, encode(new Bool(true))), MINED)))
                .isEqualTo(SkipReason.OTHER_CONTRACT);
    }

    @Test
    void batchEventOfAnotherChainIsSkipped() {
        assertThat(reason(decoder.decode(acknowledged(CONTRACT, 999, encode(new Bool(true))), MINED))).isEqualTo(SkipReason.OTHER_CHAIN);
    }

    @Test
    void unknownEventSignatureIsSkipped() {
        final Log roleGranted = log(CONTRACT, "0x", ProofManager.ROLEGRANTED_EVENT, word(1), word(2), word(3));

        assertThat(reason(decoder.decode(roleGranted, MINED))).isEqualTo(SkipReason.UNKNOWN_EVENT);
    }

    @Test
    void topicCountThatDoesNotMatchTheIndexedFieldsIsSkipped() {
        final Log missingNetwork = log(CONTRACT, encode(new Bool(true)), ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT, word(CHAIN), word(7));

        assertThat(reason(decoder.decode(missingNetwork, MINED))).isEqualTo(SkipReason.TOPIC_COUNT);
    }

    @Test
    void truncatedDataIsSkippedAsMalformed() {
        final String full = encode(new Utf8String("https://blobs.example/7.bin"), new Uint32(0), new Uint32(29), new Uint32(2),
                new Uint256(4_800), new Uint256(4_000_000), new Uint256(11));
        final Log truncated = log(CONTRACT, full.substring(0, 2 + 64 * 5), ProofManager.PROOFREQUESTSUBMITTED_EVENT,
                word(CHAIN), word(7), word(1));
        final Log empty = acknowledged(CONTRACT, CHAIN, "0x");
        final Log oddLength = acknowledged(CONTRACT, CHAIN, encode(new Bool(true)).substring(0, 40));

        assertThat(List.of(decoder.decode(truncated, MINED), decoder.decode(empty, MINED), decoder.decode(oddLength, MINED)))
                .extracting(L1ContractLogDecoderTest::reason)
                .containsOnly(SkipReason.MALFORMED_DATA);
    }

    @Test
    void outOfRangeValuesAreSkippedAsMalformed() {
        final Log unknownNetwork = log(CONTRACT, encode(new Bool(true)), ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT,
                word(CHAIN), word(7), word(9));
        final Log hugeAmount = log(CONTRACT, encode(new Uint256(BigInteger.TWO.pow(200))), ProofManager.REWARDCLAIMED_EVENT, word(1));
        final Log unknownStatus = log(CONTRACT, encode(new Uint8(2)), ProofManager.PROVINGNETWORKSTATUSUPDATED_EVENT, word(1));

        assertThat(List.of(decoder.decode(unknownNetwork, MINED), decoder.decode(hugeAmount, MINED), decoder.decode(unknownStatus, MINED)))
                .extracting(L1ContractLogDecoderTest::reason)
                .containsOnly(SkipReason.MALFORMED_DATA);
    }

    @Test
    void pendingLogWithoutBlockIsSkippedAsIncomplete() {
        final Log pending = acknowledged(CONTRACT, CHAIN, encode(new Bool(true)));
        pending.setBlockNumber(null);
        pending.setBlockHash(null);

        assertThat(reason(decoder.decode(pending, MINED))).isEqualTo(SkipReason.INCOMPLETE_LOG);
    }

    @Test
    void eventSignaturesAreTheNinePublishedEvents() {
        assertThat(decoder.eventSignatures()).hasSize(9)
                .contains(EventEncoder.encode(ProofManager.REWARDCLAIMED_EVENT))
                .doesNotContain(EventEncoder.encode(ProofManager.ROLEGRANTED_EVENT));
    }

    private static SkipReason reason(final DecodedLog decoded) {
        assertThat(decoded).isInstanceOf(DecodedLog.Skipped.class);
        return ((DecodedLog.Skipped) decoded).reason();
    }

    private static Log acknowledged(final String address, final long chainId, final String data) {
        return log(address, data, ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT, word(chainId), word(7), word(2));
    }

    private static Log log(final String address, final String data, final org.web3j.abi.datatypes.Event event, final String... topics) {
        final List<String> all = new ArrayList<>();
        all.add(EventEncoder.encode(event));
        all.addAll(List.of(topics));
        return new Log(false, "0x3", "0x0", TX_HASH, BLOCK_HASH, "0x2a", address, data, null, all);
    }

    private static String word(final long value) {
        return "0x" + TypeEncoder.encode(new Uint256(value));
    }

    @SafeVarargs
    private static <T extends Type<?>> String encode(final T... values) {
        return "0x" + FunctionEncoder.encodeConstructor(List.of(values));
    }
}
