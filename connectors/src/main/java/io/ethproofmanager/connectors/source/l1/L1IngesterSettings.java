package io.ethproofmanager.connectors.source.l1;

import com.typesafe.config.Config;
import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.schemas.TopicNames;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Settings of the {@link L1LogIngester}: its keys of the {@code epm.l1} block of reference.conf ({@link #from}), and what
 * the service tells it.
 *
 * @param rpcUrl JSON-RPC endpoint of the L1 node
 * @param contractAddress the proof manager contract whose logs are read (0x + 40 hex digits)
 * @param chainIds the rollup chain ids of this deployment: batch events of other chain ids are skipped
 * @param confirmations blocks mined on top of a block before its logs are published (0 publishes the head)
 * @param pollInterval delay between steps once the ingester has caught up with the safe head
 * @param maxBlockRange most blocks read by one {@code eth_getLogs}; the range halves when the node refuses it
 * @param startBlock first block read when no checkpoint exists
 * @param reorgWindow blocks behind the last processed block whose hashes (and published events) are kept to undo a reorg
 * @param bootstrapServers Kafka brokers
 * @param checkpointTopic compacted topic of the ingester's checkpoints
 * @param transactionalId Kafka transactional id, {@code <application-id>-l1-ingester-<contract>}: the same on every instance
 *     of a deployment, so that the instance that takes the ingester's role fences any older holder (which can then
 *     publish nothing)
 * @param rpcTimeout read, write and connect timeout of one RPC call
 * @param retryBackoffMin delay before the first retry of a failed RPC call
 * @param retryBackoffMax longest delay between retries (the backoff doubles up to it)
 * @param producerOverrides extra Kafka producer settings (e.g. {@code max.block.ms}); they cannot change the transactional
 *     id, idempotence or {@code acks=all}
 * @param maxProofBytes largest proof a ProofRequestProven record carries; a larger one is published without its bytes
 *     (only its size), so that no record outgrows Kafka's message size
 * @param topics the deployment's topic names: the events go to its L1 events and network events topics
 */
public record L1IngesterSettings(
        String rpcUrl,
        String contractAddress,
        Set<Long> chainIds,
        int confirmations,
        Duration pollInterval,
        int maxBlockRange,
        long startBlock,
        int reorgWindow,
        String bootstrapServers,
        String checkpointTopic,
        String transactionalId,
        Duration rpcTimeout,
        Duration retryBackoffMin,
        Duration retryBackoffMax,
        Map<String, String> producerOverrides,
        int maxProofBytes,
        TopicNames topics) {

    /** The checkpoint topic (compacted; the ingester creates it when missing). */
    public static final String CHECKPOINT_TOPIC = "epm.l1-ingester-checkpoint.v1";

    /** Largest allowed {@link #maxProofBytes}: its hex, twice as long, stays under Kafka's default 1 MiB record. */
    public static final int MAX_PROOF_BYTES_LIMIT = 448 * 1024;

    private static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");

    public L1IngesterSettings {
        chainIds = Set.copyOf(Objects.requireNonNull(chainIds, "chainIds"));
        producerOverrides = Map.copyOf(Objects.requireNonNull(producerOverrides, "producerOverrides"));
    }

    /**
     * Reads the log ingester's keys of {@code epm.l1} (the node, the contract, confirmations, pace, block range, reorg
     * window, RPC timeout and backoff) and {@code epm.proofs.max-bytes} of {@code config} (resolved): the ingester
     * publishes to {@code bootstrapServers} the events of the rollup chains {@code chainIds}, from {@code startBlock} when
     * it has no checkpoint, with its checkpoint on {@link #CHECKPOINT_TOPIC} under the transactional id
     * {@link #transactionalId(String, String) <applicationId>-l1-ingester-<contract>}.
     */
    public static L1IngesterSettings from(final Config config, final String bootstrapServers, final String applicationId,
            final Set<Long> chainIds, final long startBlock) {
        final SettingsReader settings = SettingsReader.of(config);
        final String contract = contractAddress(settings);
        final Duration retryBackoffMin = settings.positiveDuration("epm.l1.rpc-retry-backoff-min");
        return new L1IngesterSettings(rpcUrl(settings), contract, chainIds,
                settings.intBetween("epm.l1.confirmations", 0, Integer.MAX_VALUE),
                settings.positiveDuration("epm.l1.poll-interval"),
                settings.positiveInt("epm.l1.max-block-range"),
                startBlock,
                settings.positiveInt("epm.l1.reorg-window"),
                bootstrapServers, CHECKPOINT_TOPIC, transactionalId(applicationId, contract),
                settings.positiveDuration("epm.l1.rpc-timeout"),
                retryBackoffMin,
                settings.durationAtLeast("epm.l1.rpc-retry-backoff-max", retryBackoffMin),
                Map.of(),
                maxProofBytes(settings),
                TopicNames.DEFAULT);
    }

    /**
     * The ingester's transactional id in the deployment {@code applicationId} for {@code contract}: every instance of the
     * deployment uses the same, so the ingester started by the role's new holder fences the previous holder's.
     */
    public static String transactionalId(final String applicationId, final String contract) {
        return applicationId + "-l1-ingester-" + contract;
    }

    /** {@code epm.l1.rpc-url}: an http(s) URL. */
    public static String rpcUrl(final SettingsReader settings) {
        return settings.parsed("epm.l1.rpc-url", "an http(s) URL", false, url -> {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IllegalArgumentException(url);
            }
            return url;
        });
    }

    /** {@code epm.l1.contract-address}: 0x and 40 hex digits, in lower case. */
    public static String contractAddress(final SettingsReader settings) {
        return settings.parsed("epm.l1.contract-address", "0x and 40 hex digits", false, address -> {
            if (!ADDRESS.matcher(address).matches()) {
                throw new IllegalArgumentException(address);
            }
            return address.toLowerCase(Locale.ROOT);
        });
    }

    /** {@code epm.proofs.max-bytes}: the largest proof a ProofRequestProven record carries, 1 to {@link #MAX_PROOF_BYTES_LIMIT}. */
    public static int maxProofBytes(final SettingsReader settings) {
        return settings.intBetween("epm.proofs.max-bytes", 1, MAX_PROOF_BYTES_LIMIT);
    }

    /** These settings with their checkpoint on another topic under another transactional id. */
    public L1IngesterSettings withCheckpoint(final String topic, final String id) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, topic, id, rpcTimeout, retryBackoffMin, retryBackoffMax, producerOverrides, maxProofBytes, topics);
    }

    /** These settings with extra Kafka producer settings (they cannot change the transactional id, idempotence or acks). */
    public L1IngesterSettings withProducerOverrides(final Map<String, String> overrides) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, checkpointTopic, transactionalId, rpcTimeout, retryBackoffMin, retryBackoffMax, overrides, maxProofBytes, topics);
    }

    /**
     * These settings on the deployment's topics {@code names}: its events topics and its checkpoint topic
     * ({@link #CHECKPOINT_TOPIC} under the prefix).
     */
    public L1IngesterSettings withTopics(final TopicNames names) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, names.name(CHECKPOINT_TOPIC), transactionalId, rpcTimeout, retryBackoffMin,
                retryBackoffMax, producerOverrides, maxProofBytes, names);
    }

    /** Key of this deployment's checkpoint record: the contract address and the sorted chain ids. */
    public String checkpointKey() {
        return contractAddress + "/" + new TreeSet<>(chainIds).stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
