package io.ethproofmanager.connectors.source.l1;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Settings of the {@link L1LogIngester}.
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
 * @param transactionalId Kafka transactional id: one per contract and deployment; a new instance fences the old one
 * @param rpcTimeout read, write and connect timeout of one RPC call
 * @param retryBackoffMin delay before the first retry of a failed RPC call
 * @param retryBackoffMax longest delay between retries (the backoff doubles up to it)
 * @param producerOverrides extra Kafka producer settings (e.g. {@code max.block.ms}); they cannot change the transactional
 *     id, idempotence or {@code acks=all}
 * @param maxProofBytes largest proof a ProofRequestProven record carries; a larger one is published without its bytes
 *     (only its size), so that no record outgrows Kafka's message size
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
        int maxProofBytes) {

    /** Default name of the checkpoint topic. */
    public static final String DEFAULT_CHECKPOINT_TOPIC = "epm.l1-ingester-checkpoint.v1";

    /** Default {@link #maxProofBytes}: 256 KiB, far above a SNARK's few hundred bytes. */
    public static final int DEFAULT_MAX_PROOF_BYTES = 256 * 1024;
    /** Largest allowed {@link #maxProofBytes}: its hex, twice as long, stays under Kafka's default 1 MiB record. */
    public static final int MAX_PROOF_BYTES_LIMIT = 448 * 1024;

    private static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");

    public L1IngesterSettings {
        Objects.requireNonNull(rpcUrl, "rpcUrl");
        Objects.requireNonNull(contractAddress, "contractAddress");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(checkpointTopic, "checkpointTopic");
        Objects.requireNonNull(transactionalId, "transactionalId");
        chainIds = Set.copyOf(Objects.requireNonNull(chainIds, "chainIds"));
        producerOverrides = Map.copyOf(Objects.requireNonNull(producerOverrides, "producerOverrides"));
        require(rpcUrl.startsWith("http://") || rpcUrl.startsWith("https://"), "rpcUrl must be an http(s) URL, was '" + rpcUrl + "'");
        require(ADDRESS.matcher(contractAddress).matches(), "contractAddress must be 0x and 40 hex digits, was '" + contractAddress + "'");
        contractAddress = contractAddress.toLowerCase(Locale.ROOT);
        require(!chainIds.isEmpty(), "chainIds must not be empty");
        require(chainIds.stream().allMatch(id -> id > 0), "chainIds must be positive, were " + chainIds);
        require(confirmations >= 0, "confirmations must not be negative, was " + confirmations);
        require(isPositive(pollInterval), "pollInterval must be positive, was " + pollInterval);
        require(maxBlockRange > 0, "maxBlockRange must be positive, was " + maxBlockRange);
        require(startBlock >= 0, "startBlock must not be negative, was " + startBlock);
        require(reorgWindow > 0, "reorgWindow must be positive, was " + reorgWindow);
        require(!bootstrapServers.isBlank(), "bootstrapServers must not be blank");
        require(!checkpointTopic.isBlank(), "checkpointTopic must not be blank");
        require(!transactionalId.isBlank(), "transactionalId must not be blank");
        require(isPositive(rpcTimeout), "rpcTimeout must be positive, was " + rpcTimeout);
        require(isPositive(retryBackoffMin), "retryBackoffMin must be positive, was " + retryBackoffMin);
        require(maxProofBytes > 0 && maxProofBytes <= MAX_PROOF_BYTES_LIMIT,
                "maxProofBytes must be 1 to " + MAX_PROOF_BYTES_LIMIT + " (its hex must fit a 1 MiB Kafka record), was " + maxProofBytes);
        require(isPositive(retryBackoffMax) && retryBackoffMax.compareTo(retryBackoffMin) >= 0,
                "retryBackoffMax must be at least retryBackoffMin (" + retryBackoffMin + "), was " + retryBackoffMax);
    }

    /**
     * Settings with the usual defaults: 12 confirmations, a step every 10 s, 2,000 blocks a read, from block 0, 128 blocks
     * of reorg window, the default checkpoint topic, RPC timeout 10 s, retries from 1 s up to 1 min.
     */
    public static L1IngesterSettings defaults(final String rpcUrl, final String contractAddress, final Set<Long> chainIds,
            final String bootstrapServers) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, 12, Duration.ofSeconds(10), 2_000, 0, 128,
                bootstrapServers, DEFAULT_CHECKPOINT_TOPIC, "epm-l1-ingester-" + contractAddress.toLowerCase(Locale.ROOT),
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(1), Map.of(), DEFAULT_MAX_PROOF_BYTES);
    }

    public L1IngesterSettings withConfirmations(final int blocks) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, blocks, pollInterval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, checkpointTopic, transactionalId, rpcTimeout, retryBackoffMin, retryBackoffMax, producerOverrides, maxProofBytes);
    }

    public L1IngesterSettings withPollInterval(final Duration interval) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, interval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, checkpointTopic, transactionalId, rpcTimeout, retryBackoffMin, retryBackoffMax, producerOverrides, maxProofBytes);
    }

    public L1IngesterSettings withMaxBlockRange(final int blocks) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, blocks, startBlock,
                reorgWindow, bootstrapServers, checkpointTopic, transactionalId, rpcTimeout, retryBackoffMin, retryBackoffMax, producerOverrides, maxProofBytes);
    }

    public L1IngesterSettings withStartBlock(final long block) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, block,
                reorgWindow, bootstrapServers, checkpointTopic, transactionalId, rpcTimeout, retryBackoffMin, retryBackoffMax, producerOverrides, maxProofBytes);
    }

    public L1IngesterSettings withReorgWindow(final int blocks) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, startBlock,
                blocks, bootstrapServers, checkpointTopic, transactionalId, rpcTimeout, retryBackoffMin, retryBackoffMax, producerOverrides, maxProofBytes);
    }

    public L1IngesterSettings withCheckpoint(final String topic, final String id) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, topic, id, rpcTimeout, retryBackoffMin, retryBackoffMax, producerOverrides, maxProofBytes);
    }

    public L1IngesterSettings withRpc(final String url, final Duration timeout, final Duration backoffMin, final Duration backoffMax) {
        return new L1IngesterSettings(url, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, checkpointTopic, transactionalId, timeout, backoffMin, backoffMax, producerOverrides, maxProofBytes);
    }

    public L1IngesterSettings withProducerOverrides(final Map<String, String> overrides) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, checkpointTopic, transactionalId, rpcTimeout, retryBackoffMin, retryBackoffMax, overrides, maxProofBytes);
    }

    public L1IngesterSettings withMaxProofBytes(final int bytes) {
        return new L1IngesterSettings(rpcUrl, contractAddress, chainIds, confirmations, pollInterval, maxBlockRange, startBlock,
                reorgWindow, bootstrapServers, checkpointTopic, transactionalId, rpcTimeout, retryBackoffMin, retryBackoffMax, producerOverrides,
                bytes);
    }

    /** Key of this deployment's checkpoint record: the contract address and the sorted chain ids. */
    public String checkpointKey() {
        return contractAddress + "/" + new TreeSet<>(chainIds).stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static boolean isPositive(final Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
