package io.ethproofmanager.schemas;

import java.util.List;

/** Every topic of the system, in one place. Names carry the major schema version: a breaking change gets a new topic. */
public final class Topics {

    private static final JsonSerde<ProvingNetwork> NETWORK_KEY =
            new JsonSerde<>(ProvingNetwork.class, RecordSchema.load("v1/proving-network.schema.json"));
    private static final JsonSerde<BatchId> BATCH_KEY = new JsonSerde<>(BatchId.class, RecordSchema.load("v1/batch-id.schema.json"));

    /** Source → topology: a batch's proof inputs are public. */
    public static final Topic<BatchId, ReadinessEvent> READINESS = new Topic<>(
            "epm.readiness.v1", BATCH_KEY, new JsonSerde<>(ReadinessEvent.class, RecordSchema.load("v1/readiness-event.schema.json")), false);

    /**
     * Source → topology: the proof manager contract's events about batches (and their retractions after reorgs), keyed by
     * batch, and per partition the chain-time ticks that deadlines are measured on, without a key.
     */
    public static final Topic<BatchId, L1Record> L1_EVENTS = new Topic<>(
            "epm.l1-events.v1", BATCH_KEY, new JsonSerde<>(L1Record.class, RecordSchema.load("v1/l1-event.schema.json")), false);

    /** Topology → Postgres sink and downstream consumers: each batch's current status (compacted). */
    public static final Topic<BatchId, BatchStatusRecord> BATCH_STATUS = new Topic<>(
            "epm.batch-status.v1", BATCH_KEY, new JsonSerde<>(BatchStatusRecord.class, RecordSchema.load("v1/batch-status.schema.json")), true);

    /** Topology → L1 sender: transactions to make. */
    public static final Topic<BatchId, L1Command> L1_COMMANDS = new Topic<>(
            "epm.l1-commands.v1", BATCH_KEY, new JsonSerde<>(L1Command.class, RecordSchema.load("v1/l1-command.schema.json")), false);

    /** L1 sender → topology: what became of each command (mined, reverted, held, unknown). */
    public static final Topic<BatchId, L1TransactionResult> L1_TX_RESULTS = new Topic<>(
            "epm.l1-tx-results.v1", BATCH_KEY, new JsonSerde<>(L1TransactionResult.class, RecordSchema.load("v1/l1-tx-result.schema.json")), false);

    /** Source → reward analytics: contract events about proving networks (RewardClaimed and administration). */
    public static final Topic<ProvingNetwork, NetworkEvent> NETWORK_EVENTS = new Topic<>(
            "epm.network-events.v1", NETWORK_KEY, new JsonSerde<>(NetworkEvent.class, RecordSchema.load("v1/network-event.schema.json")), false);

    /** Proof handler → topology: a received proof, stored and validated. */
    public static final Topic<BatchId, ProofVerdict> PROOF_VERDICTS = new Topic<>(
            "epm.proof-verdicts.v1", BATCH_KEY, new JsonSerde<>(ProofVerdict.class, RecordSchema.load("v1/proof-verdict.schema.json")), false);

    /** Topology → the rollup's prover subsystem: batches handed to in-house proving, with the reason. */
    public static final Topic<BatchId, FallbackRecord> FALLBACK = new Topic<>(
            "epm.fallback.v1", BATCH_KEY, new JsonSerde<>(FallbackRecord.class, RecordSchema.load("v1/fallback.schema.json")), false);

    /** Reward analytics → downstream: per proving network figures (compacted). */
    public static final Topic<ProvingNetwork, NetworkAnalytics> NETWORK_ANALYTICS = new Topic<>(
            "epm.network-analytics.v1", NETWORK_KEY,
            new JsonSerde<>(NetworkAnalytics.class, RecordSchema.load("v1/network-analytics.schema.json")), true);

    /** Input records that could not be processed, with the reason; keyed by the batch when it could be read. */
    public static final Topic<BatchId, DeadLetter> DEAD_LETTER = new Topic<>(
            "epm.dead-letter.v1", BATCH_KEY, new JsonSerde<>(DeadLetter.class, RecordSchema.load("v1/dead-letter.schema.json")), false);

    private Topics() {
    }

    public static List<Topic<?, ?>> all() {
        return List.of(READINESS, L1_EVENTS, BATCH_STATUS, L1_COMMANDS, L1_TX_RESULTS, NETWORK_EVENTS, PROOF_VERDICTS, FALLBACK,
                NETWORK_ANALYTICS, DEAD_LETTER);
    }
}
