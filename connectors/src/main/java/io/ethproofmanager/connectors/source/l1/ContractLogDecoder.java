package io.ethproofmanager.connectors.source.l1;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Checks each proof manager log before believing it (emitting contract, event signature, topic count, rollup chain id) and
 * decodes it into the schema records; a log that fails a check becomes a {@link DecodedLog.Skipped} saying why.
 */
public final class ContractLogDecoder {

    private static final int WORD_HEX_DIGITS = 64;

    private final String contractAddress;
    private final Set<Long> chainIds;
    private final Map<String, EventSpec> byTopic0;
    private final int maxProofBytes;

    /** A decoder whose ProofRequestProven records leave out proofs over {@code maxProofBytes}, keeping their size. */
    public ContractLogDecoder(final String contractAddress, final Set<Long> chainIds, final int maxProofBytes) {
        this.contractAddress = Objects.requireNonNull(contractAddress, "contractAddress").toLowerCase(Locale.ROOT);
        this.chainIds = Set.copyOf(Objects.requireNonNull(chainIds, "chainIds"));
        this.maxProofBytes = maxProofBytes;
        this.byTopic0 = specs().collect(Collectors.toUnmodifiableMap(spec -> EventEncoder.encode(spec.event()), Function.identity()));
    }

    /** topic0 of every event of the contract's interface that is published (for the node's topic filter). */
    public List<String> eventSignatures() {
        return byTopic0.keySet().stream().sorted().toList();
    }

    /** Decodes {@code log}, mined in a block with timestamp {@code blockTimestamp}; never throws on a bad log. */
    public DecodedLog decode(final Log log, final Instant blockTimestamp) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(blockTimestamp, "blockTimestamp");
        if (log.getAddress() == null || !contractAddress.equals(log.getAddress().toLowerCase(Locale.ROOT))) {
            return new DecodedLog.Skipped(SkipReason.OTHER_CONTRACT, "log of " + log.getAddress() + ", not of " + contractAddress);
        }
        final List<String> topics = log.getTopics() == null ? List.of() : log.getTopics();
        final Optional<EventSpec> known = topics.isEmpty() ? Optional.empty()
                : Optional.ofNullable(byTopic0.get(topics.getFirst().toLowerCase(Locale.ROOT)));
        if (known.isEmpty()) {
            return new DecodedLog.Skipped(SkipReason.UNKNOWN_EVENT, "topic0 " + (topics.isEmpty() ? "missing" : topics.getFirst())
                    + " is no event of the proof manager");
        }
        final EventSpec spec = known.get();
        final int indexed = spec.event().getIndexedParameters().size();
        if (topics.size() != indexed + 1) {
            return new DecodedLog.Skipped(SkipReason.TOPIC_COUNT, spec.name() + " has " + indexed + " indexed fields but the log has "
                    + (topics.size() - 1) + " topics after topic0");
        }
        if (log.getBlockNumberRaw() == null || log.getBlockHash() == null || log.getTransactionHash() == null
                || log.getLogIndexRaw() == null) {
            return new DecodedLog.Skipped(SkipReason.INCOMPLETE_LOG, spec.name() + " log without block, transaction or index: " + log);
        }
        try {
            return decodeChecked(spec, log, blockTimestamp);
        } catch (final RuntimeException e) {
            return new DecodedLog.Skipped(SkipReason.MALFORMED_DATA, spec.name() + " at " + where(log) + " does not decode: " + e.getMessage());
        }
    }

    private DecodedLog decodeChecked(final EventSpec spec, final Log log, final Instant blockTimestamp) {
        final List<Type> indexed = decodeTopics(spec.event(), log.getTopics());
        if (spec.batchEvent()) {
            final BigInteger chainId = (BigInteger) indexed.getFirst().getValue();
            if (chainId.bitLength() > 63 || !chainIds.contains(chainId.longValueExact())) {
                return new DecodedLog.Skipped(SkipReason.OTHER_CHAIN, spec.name() + " at " + where(log) + " is for chain " + chainId
                        + ", not one of " + chainIds);
            }
        }
        final List<Type> data = decodeData(spec.event(), log.getData());
        final LogPosition position = new LogPosition(log.getBlockNumber().longValueExact(), log.getBlockHash().toLowerCase(Locale.ROOT),
                log.getTransactionHash().toLowerCase(Locale.ROOT), log.getLogIndex().longValueExact(), blockTimestamp);
        return withinProofLimit(spec.builder().build(new Fields(indexed, data), position));
    }

    /** A ProofRequestProven whose proof is over the limit, without its bytes (its size kept); any other log as it is. */
    private DecodedLog withinProofLimit(final DecodedLog decoded) {
        if (decoded instanceof DecodedLog.Batch batch && batch.event() instanceof L1Event.ProofRequestProven proven
                && proven.proofSize() > maxProofBytes) {
            return new DecodedLog.Batch(proven.withoutProof());
        }
        return decoded;
    }

    private static List<Type> decodeTopics(final Event event, final List<String> topics) {
        final List<TypeReference<Type>> types = event.getIndexedParameters();
        return IntStream.range(0, types.size())
                .mapToObj(i -> {
                    final String topic = topics.get(i + 1);
                    if (Numeric.cleanHexPrefix(topic).length() != WORD_HEX_DIGITS) {
                        throw new IllegalArgumentException("topic " + (i + 1) + " is not 32 bytes: " + topic);
                    }
                    return (Type) FunctionReturnDecoder.decodeIndexedValue(topic, types.get(i));
                })
                .toList();
    }

    private static List<Type> decodeData(final Event event, final String data) {
        final List<TypeReference<Type>> types = event.getNonIndexedParameters();
        final String hex = Numeric.cleanHexPrefix(data == null ? "" : data);
        if (hex.length() % WORD_HEX_DIGITS != 0 || hex.length() < types.size() * WORD_HEX_DIGITS) {
            throw new IllegalArgumentException("data has " + hex.length() / 2 + " bytes, expected whole 32-byte words, at least "
                    + types.size() * 32);
        }
        final List<Type> values = types.isEmpty() ? List.of() : FunctionReturnDecoder.decode(data, types);
        if (values.size() != types.size()) {
            throw new IllegalArgumentException("data decodes into " + values.size() + " values, expected " + types.size());
        }
        return values;
    }

    private static String where(final Log log) {
        return "block " + log.getBlockNumberRaw() + " tx " + log.getTransactionHash() + " index " + log.getLogIndexRaw();
    }

    private static Stream<EventSpec> specs() {
        return Stream.of(
                new EventSpec("ProofRequestSubmitted", ProofManager.PROOFREQUESTSUBMITTED_EVENT, true, (f, at) -> new DecodedLog.Batch(
                        new L1Event.ProofRequestSubmitted(f.indexedLong(0), f.indexedLong(1), f.indexedNetwork(2), f.string(0),
                                new ProtocolVersion(f.intValue(1), f.intValue(2), f.intValue(3)), f.longValue(4), f.longValue(5),
                                f.longValue(6), at, false))),
                new EventSpec("ProofRequestAcknowledged", ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT, true, (f, at) -> new DecodedLog.Batch(
                        new L1Event.ProofRequestAcknowledged(f.indexedLong(0), f.indexedLong(1), f.bool(0), f.indexedNetwork(2), at, false))),
                new EventSpec("ProofRequestProven", ProofManager.PROOFREQUESTPROVEN_EVENT, true, (f, at) -> new DecodedLog.Batch(
                        new L1Event.ProofRequestProven(f.indexedLong(0), f.indexedLong(1), Numeric.toHexString(f.bytes(0)),
                                f.network(1), f.longValue(2), at, false))),
                new EventSpec("ProofValidationResult", ProofManager.PROOFVALIDATIONRESULT_EVENT, true, (f, at) -> new DecodedLog.Batch(
                        new L1Event.ProofValidationResult(f.indexedLong(0), f.indexedLong(1), f.bool(0), f.indexedNetwork(2), at, false))),
                new EventSpec("RewardClaimed", ProofManager.REWARDCLAIMED_EVENT, false, (f, at) -> network(
                        new NetworkEvent.RewardClaimed(f.indexedNetwork(0), f.longValue(0), at, false))),
                new EventSpec("ProvingNetworkStatusUpdated", ProofManager.PROVINGNETWORKSTATUSUPDATED_EVENT, false, (f, at) -> network(
                        new NetworkEvent.ProvingNetworkStatusUpdated(f.indexedNetwork(0), f.active(0), at, false))),
                new EventSpec("ProvingNetworkAddressUpdated", ProofManager.PROVINGNETWORKADDRESSUPDATED_EVENT, false, (f, at) -> network(
                        new NetworkEvent.ProvingNetworkAddressUpdated(f.indexedNetwork(0), f.address(0), at, false))),
                new EventSpec("PreferredProvingNetworkUpdated", ProofManager.PREFERREDPROVINGNETWORKUPDATED_EVENT, false, (f, at) -> network(
                        new NetworkEvent.PreferredProvingNetworkUpdated(f.indexedNetwork(0), at, false))),
                new EventSpec("FundsWithdrawn", ProofManager.FUNDSWITHDRAWN_EVENT, false, (f, at) -> network(
                        new NetworkEvent.FundsWithdrawn(f.indexedAddress(0), f.indexedAddress(1), f.uint(0).toString(), at, false))));
    }

    private static DecodedLog network(final NetworkEvent event) {
        return new DecodedLog.Network(keyOf(event), event);
    }

    /** The key of a network event: its network, or {@code NONE} for FundsWithdrawn (which is about no network). */
    static ProvingNetwork keyOf(final NetworkEvent event) {
        return switch (event) {
            case NetworkEvent.RewardClaimed e -> e.network();
            case NetworkEvent.ProvingNetworkStatusUpdated e -> e.network();
            case NetworkEvent.ProvingNetworkAddressUpdated e -> e.network();
            case NetworkEvent.PreferredProvingNetworkUpdated e -> e.network();
            case NetworkEvent.FundsWithdrawn e -> ProvingNetwork.NONE;
        };
    }

    /** One event of the interface: its name, web3j definition, whether topic1 is a rollup chain id, and its record builder. */
    private record EventSpec(String name, Event event, boolean batchEvent, Builder builder) {
    }

    /** Builds the decoded record from the event's fields. */
    @FunctionalInterface
    private interface Builder {
        DecodedLog build(Fields fields, LogPosition position);
    }

    /** Decoded indexed and data fields with range-checked conversions. */
    private record Fields(List<Type> indexed, List<Type> data) {

        long indexedLong(final int i) {
            return toLong((BigInteger) indexed.get(i).getValue(), "indexed field " + i);
        }

        ProvingNetwork indexedNetwork(final int i) {
            return toNetwork((BigInteger) indexed.get(i).getValue());
        }

        String indexedAddress(final int i) {
            return ((Address) indexed.get(i)).getValue();
        }

        BigInteger uint(final int i) {
            return (BigInteger) data.get(i).getValue();
        }

        long longValue(final int i) {
            return toLong(uint(i), "field " + i);
        }

        int intValue(final int i) {
            return Math.toIntExact(longValue(i));
        }

        boolean bool(final int i) {
            return (Boolean) data.get(i).getValue();
        }

        String string(final int i) {
            return (String) data.get(i).getValue();
        }

        byte[] bytes(final int i) {
            return (byte[]) data.get(i).getValue();
        }

        String address(final int i) {
            return ((Address) data.get(i)).getValue();
        }

        ProvingNetwork network(final int i) {
            return toNetwork(uint(i));
        }

        /** ProvingNetworkStatus: 0 Active, 1 Inactive. */
        boolean active(final int i) {
            final long status = longValue(i);
            if (status > 1) {
                throw new IllegalArgumentException("unknown proving network status " + status);
            }
            return status == 0;
        }

        private static long toLong(final BigInteger value, final String what) {
            if (value.signum() < 0 || value.bitLength() > 63) {
                throw new IllegalArgumentException(what + " = " + value + " does not fit a signed 64-bit integer");
            }
            return value.longValueExact();
        }

        private static ProvingNetwork toNetwork(final BigInteger value) {
            if (value.bitLength() > 8) {
                throw new IllegalArgumentException("unknown proving network value " + value);
            }
            return ProvingNetwork.fromOnChainValue(value.intValueExact());
        }
    }
}
