package io.ethproofmanager.sandbox.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthGetBlockReceipts;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The simulation's oracle: what the run came to, read from outside the manager (the chain, PostgreSQL, the status and
 * fallback topics, the status API), and the checks that must hold between them. Nothing here asks the manager's memory.
 */
final class Oracle {

    /** Contract request statuses ({@code ProofRequestStatus}). */
    static final List<String> CHAIN_STATUSES = List.of("PendingAcknowledgement", "Committed", "Refused", "Unacknowledged",
            "Proven", "TimedOut", "Validated", "ValidationFailed");
    private static final Set<Integer> CHAIN_FINAL = Set.of(2, 3, 5, 6, 7);

    private static final String SUBMITTED = EventEncoder.encode(ProofManager.PROOFREQUESTSUBMITTED_EVENT);
    private static final String ACKNOWLEDGED = EventEncoder.encode(ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT);
    private static final String PROVEN = EventEncoder.encode(ProofManager.PROOFREQUESTPROVEN_EVENT);
    private static final String VALIDATION = EventEncoder.encode(ProofManager.PROOFVALIDATIONRESULT_EVENT);
    private static final String CLAIMED = EventEncoder.encode(ProofManager.REWARDCLAIMED_EVENT);
    /** Blocks an {@code eth_getLogs} covers (ranges, so that a long run's chain is never one answer). */
    private static final int LOG_RANGE = 2_000;
    /** Blocks whose receipts one JSON-RPC batch asks for. */
    private static final int BLOCKS_PER_BATCH_REQUEST = 200;
    /** {@code proofRequest(id)} calls in one JSON-RPC batch. */
    private static final int CALLS_PER_BATCH_REQUEST = 200;

    /** The inputs: where to look. */
    record Sources(Web3j web3j, String contractAddress, String submitterAddress, long rollupChainId, List<Long> batches,
            DataSource database, String bootstrapServers, ManagerJvm api) {
    }

    /** One check: its name, how many items it looked at, and its violations. */
    static final class Check {
        final String name;
        int examined;
        final List<Violation> violations = new ArrayList<>();

        Check(final String name) {
            this.name = name;
        }

        void examine() {
            examined++;
        }

        void violate(final Long batch, final String message) {
            violations.add(new Violation(name, batch, message));
        }
    }

    record Violation(String check, Long batch, String message) {
    }

    /** What the oracle found. */
    record Verdict(List<Check> checks, List<Long> unfinished, Map<String, Long> rowOutcomes, Map<String, Long> chainOutcomes,
            long submitterTransactions, long revertedSubmitterTransactions, Map<Long, List<String>> histories) {

        List<Violation> violations() {
            return checks.stream().flatMap(c -> c.violations.stream()).toList();
        }
    }

    /** A row of {@code eth_proof_manager}. */
    record Row(String status, long version, String assignedTo, String validationStatus, String fallbackReason,
            String requestTxHash) {

        String reasonKind() {
            return fallbackReason == null ? null : fallbackReason.split(":", 2)[0].trim();
        }
    }

    /** A request as the contract's {@code proofRequest(id)} returns it. */
    record ChainRequest(int status, int assignedTo, long submittedAt, long timeoutAfter) {

        boolean onChain() {
            return submittedAt != 0;
        }

        String statusName() {
            return onChain() ? CHAIN_STATUSES.get(status) : "none";
        }
    }

    /** The contract's events and the submitter's transactions, per batch. */
    private static final class ChainFacts {
        final Map<Long, List<String>> events = new HashMap<>();
        final Map<Long, Integer> submitted = new HashMap<>();
        final Map<Long, String> submittedTx = new HashMap<>();
        final Map<Long, Integer> validations = new HashMap<>();
        final Map<Long, Integer> ackNetwork = new HashMap<>();
        final Map<Long, Integer> successfulSubmits = new HashMap<>();
        final Map<Long, Integer> successfulValidations = new HashMap<>();
        final Map<Integer, Map<String, Long>> perNetwork = new HashMap<>();
        final List<String> reverted = new ArrayList<>();
        long submitterTransactions;

        void count(final int network, final String what, final long by) {
            perNetwork.computeIfAbsent(network, n -> new TreeMap<>()).merge(what, by, Long::sum);
        }
    }

    private final Sources sources;

    Oracle(final Sources sources) {
        this.sources = sources;
    }

    Verdict judge(final boolean runFinished) {
        final Map<Long, Row> rows = rows();
        final Map<Long, ChainRequest> requests = chainRequests();
        final ChainFacts facts = chainFacts();
        final Map<Long, List<BatchStatusRecord>> statusTopic = readTopic(Topics.BATCH_STATUS, BatchStatusRecord::batchNumber);
        final Map<Long, List<FallbackRecord>> fallbackTopic = readTopic(Topics.FALLBACK, FallbackRecord::batchNumber);
        final Map<Long, List<String>> attempts = attempts();
        final Map<Long, List<Long>> history = historyVersions();
        final long chainNow = chainTime();

        final Check present = new Check("every batch present (PostgreSQL row, status topic)");
        final Check agrees = new Check("row status / validation / fallback reason agree with proofRequest(id)");
        final Check assigned = new Check("assigned_to is the network that acknowledged (empty when none did)");
        final Check oneRequest = new Check("exactly one successful submitProofRequest per batch on chain");
        final Check oneValidation = new Check("at most one validation result per batch, and one for every proven request");
        final Check attemptsAgree = new Check("l1_transaction_attempts agree with the chain (one mined request, expired only when none on chain)");
        final Check oneFallback = new Check("one fallback record per fallen-back batch, none for the others");
        final Check versions = new Check("status versions gapless and monotonic (topic 1..n, history 1..n, row = last)");
        final Check stuck = new Check("no batch stuck past its deadlines");
        final Check api = new Check("status API agrees with PostgreSQL");
        final Check analytics = new Check("reward analytics equal the chain's events");
        final Check reverts = new Check("no reverted submitter transaction");

        final List<Long> unfinished = new ArrayList<>();
        final Map<String, Long> rowOutcomes = new TreeMap<>();
        final Map<String, Long> chainOutcomes = new TreeMap<>();
        final Set<Long> suspicious = new java.util.TreeSet<>();

        for (final long batch : sources.batches()) {
            final Row row = rows.get(batch);
            final ChainRequest request = requests.get(batch);
            chainOutcomes.merge(request.statusName(), 1L, Long::sum);
            present.examine();
            if (row == null) {
                present.violate(batch, "no row in eth_proof_manager");
                continue;
            }
            rowOutcomes.merge(row.status() + (row.reasonKind() == null ? "" : " / " + row.reasonKind())
                    + (row.validationStatus() == null ? "" : " / " + row.validationStatus()), 1L, Long::sum);
            final List<BatchStatusRecord> onTopic = statusTopic.getOrDefault(batch, List.of());
            if (onTopic.isEmpty()) {
                present.violate(batch, "not on the status topic");
            }
            final boolean rowFinal = row.status().equals("validation_result_sent_to_l1") || row.status().equals("fallen_back");
            final boolean chainOpen = request.onChain() && !CHAIN_FINAL.contains(request.status());

            // status machine against the contract
            agrees.examine();
            if (!rowFinal || chainOpen) {
                stuck.examine();
                if (rowFinal && request.status() == 4) {
                    stuck.violate(batch, "the request is Proven on chain but was never answered (row " + row.status() + ")");
                } else if (!rowFinal && request.onChain() && CHAIN_FINAL.contains(request.status())) {
                    stuck.violate(batch, "row is " + row.status() + " but the chain's request is " + request.statusName());
                } else if (request.onChain() && chainNow > request.submittedAt() + request.timeoutAfter()) {
                    stuck.violate(batch, "not final although the request's deadline passed: row " + row.status() + ", chain "
                            + request.statusName() + ", submitted at " + request.submittedAt() + ", deadline "
                            + (request.submittedAt() + request.timeoutAfter()) + ", chain time " + chainNow);
                } else if (runFinished) {
                    stuck.violate(batch, "not final at the end: row " + row.status() + ", chain " + request.statusName());
                } else {
                    unfinished.add(batch);
                }
            } else {
                expectation(request, facts.ackNetwork.get(batch)).ifPresent(expected -> {
                    final String actual = describe(row.status(), row.reasonKind(), row.validationStatus());
                    if (!expected.equals(actual)) {
                        agrees.violate(batch, "chain " + request.statusName() + " (assignee " + network(request.assignedTo())
                                + ") calls for " + expected + ", row is " + actual);
                    }
                });
            }
            assigned.examine();
            final String acknowledger = Optional.ofNullable(facts.ackNetwork.get(batch)).map(Oracle::network).orElse(null);
            if (!java.util.Objects.equals(acknowledger, row.assignedTo())) {
                assigned.violate(batch, "acknowledged on chain by " + acknowledger + ", row's assigned_to is " + row.assignedTo());
            }

            // transactions
            oneRequest.examine();
            final int submits = facts.successfulSubmits.getOrDefault(batch, 0);
            final int submittedEvents = facts.submitted.getOrDefault(batch, 0);
            if (request.onChain() ? submits != 1 || submittedEvents != 1 : submits != 0 || submittedEvents != 0) {
                oneRequest.violate(batch, submits + " successful submitProofRequest transactions and " + submittedEvents
                        + " ProofRequestSubmitted events; request on chain: " + request.onChain());
            }
            oneValidation.examine();
            final int validations = facts.successfulValidations.getOrDefault(batch, 0);
            if (validations > 1 || facts.validations.getOrDefault(batch, 0) > 1) {
                oneValidation.violate(batch, validations + " successful submitProofValidationResult transactions");
            }
            attemptsAgree.examine();
            final List<String> batchAttempts = attempts.getOrDefault(batch, List.of());
            final long minedRequests = batchAttempts.stream().filter(a -> a.startsWith("submit_proof_request mined")).count();
            final boolean expired = batchAttempts.stream().anyMatch(a -> a.startsWith("submit_proof_request expired"));
            if (minedRequests > 1) {
                attemptsAgree.violate(batch, minedRequests + " mined submit_proof_request attempts: " + batchAttempts);
            }
            if (expired && request.onChain()) {
                attemptsAgree.violate(batch, "its request expired unsent, but the chain holds it: " + batchAttempts);
            }
            if (minedRequests == 1 && request.onChain()) {
                final String minedTx = batchAttempts.stream().filter(a -> a.startsWith("submit_proof_request mined"))
                        .findFirst().orElseThrow().replaceAll(".* tx ", "");
                if (!minedTx.equalsIgnoreCase(facts.submittedTx.getOrDefault(batch, ""))) {
                    attemptsAgree.violate(batch, "mined attempt " + minedTx + ", on chain " + facts.submittedTx.get(batch));
                }
            }

            // fallback records
            oneFallback.examine();
            final List<FallbackRecord> fallbacks = fallbackTopic.getOrDefault(batch, List.of());
            if (row.status().equals("fallen_back")) {
                if (fallbacks.size() != 1) {
                    oneFallback.violate(batch, fallbacks.size() + " fallback records for a fallen-back batch");
                } else if (!fallbacks.getFirst().reason().wireName().equals(row.reasonKind())) {
                    oneFallback.violate(batch, "fallback record's reason " + fallbacks.getFirst().reason().wireName()
                            + ", row's " + row.reasonKind());
                }
            } else if (!fallbacks.isEmpty()) {
                oneFallback.violate(batch, fallbacks.size() + " fallback records for a batch that is " + row.status());
            }

            // versions
            versions.examine();
            final List<Long> topicVersions = onTopic.stream().map(BatchStatusRecord::version).toList();
            if (!isOneToN(topicVersions)) {
                versions.violate(batch, "status topic versions " + topicVersions);
            } else if (!onTopic.isEmpty() && (topicVersions.getLast() != row.version()
                    || !onTopic.getLast().status().wireName().equals(row.status()))) {
                versions.violate(batch, "last on the topic is v" + topicVersions.getLast() + " " + onTopic.getLast().status().wireName()
                        + ", row is v" + row.version() + " " + row.status());
            }
            final List<Long> historyVersions = history.getOrDefault(batch, List.of());
            if (!isOneToN(historyVersions) || historyVersions.getLast() != row.version()) {
                versions.violate(batch, "eth_proof_manager_history versions " + historyVersions + ", row version " + row.version());
            }
        }

        // the status API, per batch and in total
        if (sources.api().isAlive()) {
            for (final long batch : sources.batches()) {
                final Row row = rows.get(batch);
                if (row == null) {
                    continue;
                }
                api.examine();
                final Optional<JsonNode> body = sources.api().get("/api/batches/" + sources.rollupChainId() + "/" + batch).map(Oracle::json);
                if (body.isEmpty()) {
                    api.violate(batch, "the status API did not answer for the batch");
                    continue;
                }
                final JsonNode record = body.get().path("batch");
                if (!row.status().equals(record.path("status").asText()) || row.version() != record.path("version").asLong()) {
                    api.violate(batch, "API says " + record.path("status").asText() + " v" + record.path("version").asLong()
                            + ", row " + row.status() + " v" + row.version());
                }
            }
            analytics(facts, requests, analytics);
        } else {
            api.violate(null, "no manager is running to ask");
        }

        reverts.examine();
        facts.reverted.forEach(tx -> reverts.violate(null, "reverted submitter transaction " + tx));

        final List<Check> checks = List.of(present, agrees, assigned, oneRequest, oneValidation, attemptsAgree, oneFallback,
                versions, stuck, api, analytics, reverts);
        checks.forEach(check -> check.violations.stream().map(Violation::batch).filter(java.util.Objects::nonNull)
                .forEach(suspicious::add));
        final Map<Long, List<String>> histories = new LinkedHashMap<>();
        suspicious.stream().limit(30).forEach(batch -> histories.put(batch,
                history(batch, rows.get(batch), requests.get(batch), facts, statusTopic, fallbackTopic, attempts)));
        return new Verdict(checks, unfinished, rowOutcomes, chainOutcomes, facts.submitterTransactions, facts.reverted.size(),
                histories);
    }

    /** Whether the run is over: every batch final in PostgreSQL and no request of theirs still open on chain. */
    boolean allFinal() {
        final Map<Long, Row> rows = rows();
        if (rows.size() < sources.batches().size()) {
            return false;
        }
        for (final Row row : rows.values()) {
            if (!row.status().equals("validation_result_sent_to_l1") && !row.status().equals("fallen_back")) {
                return false;
            }
        }
        return chainRequests().values().stream().noneMatch(r -> r.onChain() && !CHAIN_FINAL.contains(r.status()));
    }

    /** Counts of rows by status, for progress lines. */
    Map<String, Long> statusCounts() {
        final Map<String, Long> counts = new TreeMap<>();
        rows().values().forEach(row -> counts.merge(row.status(), 1L, Long::sum));
        return counts;
    }

    /** What the row must be for a request the contract ended in its status (empty: no expectation). */
    static Optional<String> expectation(final ChainRequest request, final Integer acknowledger) {
        if (!request.onChain()) {
            return Optional.of(describe("fallen_back", "not_picked_up", null));
        }
        return switch (request.status()) {
            case 2 -> Optional.of(describe("fallen_back", acknowledger == null ? "refused_at_submission" : "refused", null));
            case 3 -> Optional.of(describe("fallen_back", "unacknowledged", null));
            case 5 -> Optional.of(describe("fallen_back", "timed_out", null));
            case 6 -> Optional.of(describe("validation_result_sent_to_l1", null, "successful"));
            case 7 -> Optional.of(describe("fallen_back", "invalid_proof", "failed"));
            default -> Optional.empty();
        };
    }

    private static String describe(final String status, final String reason, final String validation) {
        return status + (reason == null ? "" : " (" + reason + ")") + (validation == null ? "" : " validation " + validation);
    }

    private void analytics(final ChainFacts facts, final Map<Long, ChainRequest> requests, final Check check) {
        final Optional<JsonNode> body = sources.api().get("/api/networks").map(Oracle::json);
        if (body.isEmpty()) {
            check.violate(null, "the status API did not answer /api/networks");
            return;
        }
        // deadlines the contract computes: count them per network from the requests' statuses
        final Map<Integer, Map<String, Long>> expected = new HashMap<>(facts.perNetwork);
        for (final ChainRequest request : requests.values()) {
            if (request.onChain() && (request.status() == 3 || request.status() == 5)) {
                expected.computeIfAbsent(request.assignedTo(), n -> new TreeMap<>())
                        .merge(request.status() == 3 ? "unacknowledged" : "timedOut", 1L, Long::sum);
            }
        }
        final JsonNode list = body.get().isArray() ? body.get() : body.get().path("networks");
        final Map<String, JsonNode> byName = new HashMap<>();
        list.forEach(node -> byName.put(node.path("network").asText(), node));
        for (final int network : List.of(1, 2)) {
            final Map<String, Long> want = expected.getOrDefault(network, Map.of());
            final JsonNode got = byName.get(network(network));
            for (final String field : List.of("requestsAssigned", "accepted", "refused", "proven", "validated", "validationFailed",
                    "unacknowledged", "timedOut", "rewardsClaimedMicroUsdc")) {
                check.examine();
                final long wanted = want.getOrDefault(field, 0L);
                final long actual = got == null ? 0 : got.path(field).asLong(0);
                if (wanted != actual) {
                    check.violate(null, network(network) + " " + field + ": chain " + wanted + ", analytics " + actual);
                }
            }
        }
    }

    private List<String> history(final long batch, final Row row, final ChainRequest request, final ChainFacts facts,
            final Map<Long, List<BatchStatusRecord>> statusTopic, final Map<Long, List<FallbackRecord>> fallbackTopic,
            final Map<Long, List<String>> attempts) {
        final List<String> lines = new ArrayList<>();
        lines.add("row: " + row);
        lines.add("chain: proofRequest status " + (request == null ? "?" : request.statusName()) + ", assignee "
                + (request == null ? "?" : network(request.assignedTo())) + ", submittedAt "
                + (request == null ? "?" : request.submittedAt()));
        facts.events.getOrDefault(batch, List.of()).forEach(e -> lines.add("chain event: " + e));
        statusTopic.getOrDefault(batch, List.of()).forEach(r -> lines.add("status topic: v" + r.version() + " " + r.status().wireName()
                + (r.fallbackReason() == null ? "" : " (" + r.fallbackReason() + ")")
                + (r.validationStatus() == null ? "" : " validation " + r.validationStatus().wireName())
                + " assigned " + r.assignedNetwork().map(ProvingNetwork::wireName).orElse("-") + " at " + r.updatedAt()));
        fallbackTopic.getOrDefault(batch, List.of()).forEach(f -> lines.add("fallback topic: " + f.reason().wireName() + " " + f.detail()));
        attempts.getOrDefault(batch, List.of()).forEach(a -> lines.add("attempt: " + a));
        return lines;
    }

    private static boolean isOneToN(final List<Long> versions) {
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i) != i + 1) {
                return false;
            }
        }
        return !versions.isEmpty();
    }

    private static JsonNode json(final String body) {
        return RecordJson.readTree(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String network(final int ordinal) {
        return ProvingNetwork.values()[ordinal].wireName();
    }

    // ----- PostgreSQL

    private Map<Long, Row> rows() {
        final Map<Long, Row> rows = new HashMap<>();
        query("""
                SELECT l1_batch_number, status, version, assigned_to, validation_status, fallback_reason, sent_proof_request_tx_hash
                FROM eth_proof_manager WHERE chain_id = ? AND l1_batch_number = ANY (?)""", rs -> rows.put(rs.getLong(1),
                new Row(rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7))));
        return rows;
    }

    private Map<Long, List<Long>> historyVersions() {
        final Map<Long, List<Long>> versions = new HashMap<>();
        query("""
                SELECT l1_batch_number, version FROM eth_proof_manager_history
                WHERE chain_id = ? AND l1_batch_number = ANY (?) ORDER BY l1_batch_number, version""",
                rs -> versions.computeIfAbsent(rs.getLong(1), b -> new ArrayList<>()).add(rs.getLong(2)));
        return versions;
    }

    private Map<Long, List<String>> attempts() {
        final Map<String, Long> byCommand = new HashMap<>();
        for (final long batch : sources.batches()) {
            final BatchId id = new BatchId(sources.rollupChainId(), batch);
            byCommand.put(SubmitProofRequest.commandIdFor(id), batch);
            byCommand.put(SubmitProofValidationResult.commandIdFor(id), batch);
        }
        final Map<Long, List<String>> attempts = new HashMap<>();
        try (Connection c = sources.database().getConnection();
                PreparedStatement s = c.prepareStatement("""
                        SELECT command_id, attempt, kind, state, nonce, tx_hash, revert_reason, block_number
                        FROM l1_transaction_attempts WHERE command_id = ANY (?) ORDER BY command_id, attempt""")) {
            s.setArray(1, c.createArrayOf("text", byCommand.keySet().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    final Long batch = byCommand.get(rs.getString(1));
                    attempts.computeIfAbsent(batch, b -> new ArrayList<>()).add(rs.getString(3) + " " + rs.getString(4)
                            + " #" + rs.getInt(2) + " nonce " + rs.getObject(5) + " block " + rs.getObject(8)
                            + (rs.getString(7) == null ? "" : " revert " + rs.getString(7)) + " tx " + rs.getString(6));
                }
            }
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot read l1_transaction_attempts: " + e.getMessage(), e);
        }
        return attempts;
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(final String sql, final RowReader reader) {
        try (Connection c = sources.database().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, sources.rollupChainId());
            s.setArray(2, c.createArrayOf("bigint", sources.batches().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot read PostgreSQL: " + e.getMessage(), e);
        }
    }

    // ----- Kafka

    private <V> Map<Long, List<V>> readTopic(final Topic<?, V> topic, final java.util.function.Function<V, Long> batchOf) {
        final Set<Long> ours = Set.copyOf(sources.batches());
        final Map<Long, List<V>> byBatch = new HashMap<>();
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sources.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "epm-simulation-oracle-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<?, V> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (final ConsumerRecord<?, V> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null && ours.contains(batchOf.apply(record.value()))) {
                        byBatch.computeIfAbsent(batchOf.apply(record.value()), b -> new ArrayList<>()).add(record.value());
                    }
                }
            }
        }
        return byBatch;
    }

    // ----- the chain

    /** Every batch's {@code proofRequest(id)}, {@link #CALLS_PER_BATCH_REQUEST} {@code eth_call}s a JSON-RPC batch. */
    private Map<Long, ChainRequest> chainRequests() {
        final Map<Long, ChainRequest> requests = new HashMap<>();
        final List<Long> batches = List.copyOf(sources.batches());
        for (int from = 0; from < batches.size(); from += CALLS_PER_BATCH_REQUEST) {
            final List<Long> slice = batches.subList(from, Math.min(batches.size(), from + CALLS_PER_BATCH_REQUEST));
            final BatchRequest calls = sources.web3j().newBatch();
            final List<Function> functions = new ArrayList<>();
            for (final long batch : slice) {
                final Function function = proofRequestCall(batch);
                functions.add(function);
                calls.add(sources.web3j().ethCall(Transaction.createEthCallTransaction(sources.submitterAddress(),
                        sources.contractAddress(), FunctionEncoder.encode(function)), DefaultBlockParameterName.LATEST));
            }
            final List<? extends Response<?>> answers = send(calls, "proofRequest(id) of batches " + slice.getFirst() + ".."
                    + slice.getLast());
            for (int i = 0; i < slice.size(); i++) {
                final EthCall answer = (EthCall) answers.get(i);
                if (answer.hasError() || answer.isReverted()) {
                    throw new IllegalStateException("cannot read proofRequest(" + slice.get(i) + "): "
                            + (answer.hasError() ? answer.getError().getMessage() : answer.getRevertReason()));
                }
                @SuppressWarnings("rawtypes")
                final List<Type> decoded = FunctionReturnDecoder.decode(answer.getValue(), functions.get(i).getOutputParameters());
                final ProofManager.ProofRequest r = (ProofManager.ProofRequest) decoded.getFirst();
                requests.put(slice.get(i), new ChainRequest(r.status.intValueExact(), r.assignedTo.intValueExact(),
                        r.submittedAt.longValueExact(), r.timeoutAfter.longValueExact()));
            }
        }
        return requests;
    }

    private Function proofRequestCall(final long batch) {
        return new Function(ProofManager.FUNC_PROOFREQUEST, List.of(new ProofManager.ProofRequestIdentifier(
                BigInteger.valueOf(sources.rollupChainId()), BigInteger.valueOf(batch))),
                List.of(new TypeReference<ProofManager.ProofRequest>() { }));
    }

    /** Sends a JSON-RPC batch; its answers in the order of its requests. */
    private static List<? extends Response<?>> send(final BatchRequest batch, final String what) {
        try {
            final List<? extends Response<?>> responses = batch.send().getResponses();
            if (responses.size() != batch.getRequests().size()) {
                throw new IllegalStateException("cannot read " + what + ": " + batch.getRequests().size() + " calls, "
                        + responses.size() + " answers");
            }
            return responses;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + what, e);
        }
    }

    private long chainTime() {
        try {
            return sources.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                    .getBlock().getTimestamp().longValueExact();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the chain's time", e);
        }
    }

    /** The contract's logs, in ranges of {@link #LOG_RANGE} blocks, and the submitter's transactions from the receipts. */
    private ChainFacts chainFacts() {
        final ChainFacts facts = new ChainFacts();
        final Set<Long> ours = Set.copyOf(sources.batches());
        try {
            final long head = sources.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
            for (long from = 0; from <= head; from += LOG_RANGE) {
                final long to = Math.min(head, from + LOG_RANGE - 1);
                final EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                        DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), sources.contractAddress());
                final EthLog logs = sources.web3j().ethGetLogs(filter).send();
                if (logs.hasError()) {
                    throw new IllegalStateException("eth_getLogs " + from + ".." + to + ": " + logs.getError().getMessage());
                }
                for (final EthLog.LogResult<?> result : logs.getLogs()) {
                    onLog((Log) result.get(), ours, facts);
                }
            }
            scanSubmitterTransactions(head, ours, facts);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the chain", e);
        }
        return facts;
    }

    private void onLog(final Log log, final Set<Long> ours, final ChainFacts facts) {
        final String topic = log.getTopics().getFirst();
        if (CLAIMED.equals(topic)) {
            final var claimed = ProofManager.getRewardClaimedEventFromLog(log);
            facts.count(claimed.by.intValueExact(), "rewardsClaimedMicroUsdc", claimed.amount.longValueExact());
            return;
        }
        if (log.getTopics().size() < 3 || !List.of(SUBMITTED, ACKNOWLEDGED, PROVEN, VALIDATION).contains(topic)) {
            return;
        }
        final long chainId = new BigInteger(log.getTopics().get(1).substring(2), 16).longValueExact();
        final long batch = new BigInteger(log.getTopics().get(2).substring(2), 16).longValueExact();
        final String at = "block " + log.getBlockNumber() + " tx " + log.getTransactionHash();
        final String line;
        if (SUBMITTED.equals(topic)) {
            final var e = ProofManager.getProofRequestSubmittedEventFromLog(log);
            facts.count(e.assignedTo.intValueExact(), "requestsAssigned", 1);
            line = "ProofRequestSubmitted assignee " + network(e.assignedTo.intValueExact()) + " request " + e.requestId;
            if (chainId == sources.rollupChainId() && ours.contains(batch)) {
                facts.submitted.merge(batch, 1, Integer::sum);
                facts.submittedTx.put(batch, log.getTransactionHash());
            }
        } else if (ACKNOWLEDGED.equals(topic)) {
            final var e = ProofManager.getProofRequestAcknowledgedEventFromLog(log);
            facts.count(e.assignedTo.intValueExact(), e.accepted ? "accepted" : "refused", 1);
            line = "ProofRequestAcknowledged " + (e.accepted ? "accepted" : "refused") + " by " + network(e.assignedTo.intValueExact());
            if (chainId == sources.rollupChainId() && ours.contains(batch)) {
                facts.ackNetwork.put(batch, e.assignedTo.intValueExact());
            }
        } else if (PROVEN.equals(topic)) {
            final var e = ProofManager.getProofRequestProvenEventFromLog(log);
            facts.count(e.assignedTo.intValueExact(), "proven", 1);
            line = "ProofRequestProven by " + network(e.assignedTo.intValueExact()) + " (" + e.proof.length + " bytes)";
        } else {
            final var e = ProofManager.getProofValidationResultEventFromLog(log);
            facts.count(e.assignedTo.intValueExact(), e.isProofValid ? "validated" : "validationFailed", 1);
            line = "ProofValidationResult " + (e.isProofValid ? "valid" : "invalid");
            if (chainId == sources.rollupChainId() && ours.contains(batch)) {
                facts.validations.merge(batch, 1, Integer::sum);
            }
        }
        if (chainId == sources.rollupChainId() && ours.contains(batch)) {
            facts.events.computeIfAbsent(batch, b -> new ArrayList<>()).add(line + " (" + at + ")");
        }
    }

    /**
     * Every transaction of the submitter to the contract on the chain, from the blocks' receipts ({@code eth_getBlockReceipts},
     * {@link #BLOCKS_PER_BATCH_REQUEST} blocks a JSON-RPC batch): its status, and what it did for which batch.
     */
    private void scanSubmitterTransactions(final long head, final Set<Long> ours, final ChainFacts facts) throws IOException {
        final String submitter = sources.submitterAddress().toLowerCase(Locale.ROOT);
        for (long from = 0; from <= head; from += BLOCKS_PER_BATCH_REQUEST) {
            final long to = Math.min(head, from + BLOCKS_PER_BATCH_REQUEST - 1);
            final BatchRequest blocks = sources.web3j().newBatch();
            for (long n = from; n <= to; n++) {
                blocks.add(sources.web3j().ethGetBlockReceipts(DefaultBlockParameter.valueOf(BigInteger.valueOf(n))));
            }
            for (final Response<?> answer : send(blocks, "the receipts of blocks " + from + ".." + to)) {
                if (answer.hasError()) {
                    throw new IllegalStateException("eth_getBlockReceipts: " + answer.getError().getMessage());
                }
                for (final TransactionReceipt receipt : ((EthGetBlockReceipts) answer).getBlockReceipts().orElse(List.of())) {
                    if (submitter.equals(String.valueOf(receipt.getFrom()).toLowerCase(Locale.ROOT))
                            && sources.contractAddress().equalsIgnoreCase(String.valueOf(receipt.getTo()))) {
                        onSubmitterTransaction(receipt, ours, facts);
                    }
                }
            }
        }
    }

    private void onSubmitterTransaction(final TransactionReceipt receipt, final Set<Long> ours, final ChainFacts facts)
            throws IOException {
        facts.submitterTransactions++;
        if (!receipt.isStatusOK()) {
            final String input = sources.web3j().ethGetTransactionByHash(receipt.getTransactionHash()).send().getTransaction()
                    .map(org.web3j.protocol.core.methods.response.Transaction::getInput).orElse(null);
            facts.reverted.add(receipt.getTransactionHash() + " (block " + receipt.getBlockNumber() + ", batch " + batchOf(input)
                    + ", input " + abbreviate(input) + ")");
            return;
        }
        for (final Log log : receipt.getLogs()) {
            final String topic = log.getTopics().isEmpty() ? "" : log.getTopics().getFirst();
            if (log.getTopics().size() < 3 || !(SUBMITTED.equals(topic) || VALIDATION.equals(topic))) {
                continue;
            }
            final long chainId = new BigInteger(log.getTopics().get(1).substring(2), 16).longValueExact();
            final long batch = new BigInteger(log.getTopics().get(2).substring(2), 16).longValueExact();
            if (chainId != sources.rollupChainId() || !ours.contains(batch)) {
                continue;
            }
            if (SUBMITTED.equals(topic)) {
                facts.successfulSubmits.merge(batch, 1, Integer::sum);
            } else {
                facts.successfulValidations.merge(batch, 1, Integer::sum);
            }
        }
    }

    /** The batch number of a call whose first argument is a ProofRequestIdentifier (chain id, batch number). */
    private Long batchOf(final String input) {
        if (input == null || input.length() < 2 + 8 + 128) {
            return null;
        }
        final BigInteger chainId = new BigInteger(input.substring(10, 74), 16);
        if (chainId.longValue() != sources.rollupChainId()) {
            return null;
        }
        return new BigInteger(input.substring(74, 138), 16).longValue();
    }

    private static String abbreviate(final String input) {
        return input == null || input.length() <= 20 ? input : input.substring(0, 10) + "...";
    }
}
