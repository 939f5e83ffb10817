package io.ethproofmanager.sandbox.bench;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.app.ProofManagerService;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.sandbox.LocalManager;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The L1 sender inside the whole pipeline at L1 pace: the embedded service (readiness checker, topology, sender, sink)
 * on an anvil mining a block every 2 s, N ready batches seeded at once into the rollup's table. Per run: the latency from
 * each batch's ready time (its status record's createdAt) to its {@code request_sent_to_l1} record (in
 * {@code eth_proof_manager_history}), p50/p99, batches per minute from the first ready time to the last request, and the
 * proof requests a block.
 */
final class SenderPipelineBench {

    private static final int BLOCK_SECONDS = 2;
    private static final long CONTRACT_REWARD_BOUND = 5_000_000;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** A history row saying the batch's request is on L1. */
    private static final String ON_L1 = "(status = 'request_sent_to_l1' OR (status = 'fallen_back'"
            + " AND record->>'fallbackReason' LIKE 'refused_at_submission%'))";

    /** One run's figures; {@code requested} of {@code batches} reached {@code request_sent_to_l1}. */
    record Figures(String name, int batches, int requested, double seconds, int blocks, double perBlock, double perMinute,
            double p50Ms, double p99Ms) {
    }

    private final Path dir;

    SenderPipelineBench(final Path dir) {
        this.dir = dir;
    }

    /** Runs {@code batches} batches through the service with {@code lanes} lanes of {@code maxInFlight}; prints its line. */
    Figures run(final int batches, final int lanes, final int maxInFlight, final PrintStream out) throws Exception {
        final Map<String, Object> overrides = new HashMap<>();
        overrides.put("epm.data-dir", dir.resolve("sender-pipeline-" + lanes + "-" + maxInFlight).toString());
        overrides.put("epm.http.port", 0);
        overrides.put("epm.sandbox.anvil-port", 0);
        overrides.put("epm.readiness.poll-interval", "200ms");
        overrides.put("epm.readiness.batch-limit", Math.max(batches, 1));
        overrides.put("epm.kafka.partitions", 4);
        overrides.put("epm.l1.max-in-flight", maxInFlight);
        // full blocks raise anvil's base fee 12.5 % a block: above the default cap within a few hundred requests
        overrides.put("epm.l1.max-fee-per-gas-cap", "1000000000000");
        if (lanes > 1) {
            overrides.put("epm.l1.submitter-keys", String.join(",", LocalChain.submitterPrivateKeys(lanes)));
        }
        try (LocalManager manager = LocalManager.start(
                ConfigFactory.parseMap(overrides).withFallback(ManagerSettings.loadConfig(Optional.empty())).resolve(), s -> s)) {
            final ProofManagerService service = manager.service();
            final LocalChain chain = manager.localChain().orElseThrow();
            // the contract funds a request only while it holds its reward bound for each one in flight
            chain.usdc(chain.admin()).mint(chain.proofManagerAddress(), BigInteger.valueOf(CONTRACT_REWARD_BOUND)
                    .multiply(BigInteger.valueOf(2L * batches))).send();
            chain.setAutomine(false);
            chain.setIntervalMining(BLOCK_SECONDS);
            final long chainId = manager.settings().chainId();
            ReadyBatchSeeder.seed(service.database().dataSource(), service.rollupBlobs()::write, batches, new Random(17));
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (settled(service, chainId) < batches) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + settled(service, chainId) + " of " + batches
                            + " batches requested or final within " + TIMEOUT);
                }
                Thread.sleep(500);
            }
            // the batch's status follows the contract's event; the sender records its receipt on its own look
            while (minedRequests(service) < requested(service, chainId) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            final Figures figures = figures(service, chainId, lanes + " lane(s), max-in-flight " + maxInFlight
                    + ": whole pipeline", batches);
            out.println(line(figures));
            fallenBack(service, chainId).forEach((reason, count) -> out.printf("  of which fallen back: %d (%s)%n",
                    count, reason));
            return figures;
        }
    }

    static String line(final Figures f) {
        return String.format("%-58s %6d batches (%d requests on L1) in %6.1f s: %4d blocks, %6.1f requests/block, %7.1f batches/min,"
                + " ready -> request_sent_to_l1 p50 %7.0f ms, p99 %7.0f ms", f.name(), f.batches(), f.requested(), f.seconds(),
                f.blocks(), f.perBlock(), f.perMinute(), f.p50Ms(), f.p99Ms());
    }

    /** Batches whose request is on L1 or that reached a final status without one. */
    private static int settled(final ProofManagerService service, final long chainId) throws SQLException {
        return count(service, "SELECT count(DISTINCT l1_batch_number) FROM eth_proof_manager_history WHERE chain_id = ?"
                + " AND status IN ('request_sent_to_l1', 'fallen_back')", Optional.of(chainId));
    }

    /** The batches that fell back, by reason. */
    private static Map<String, Integer> fallenBack(final ProofManagerService service, final long chainId) throws SQLException {
        final String sql = "SELECT coalesce(fallback_reason, '?'), count(*) FROM eth_proof_manager WHERE chain_id = ?"
                + " AND status = 'fallen_back' GROUP BY 1";
        final Map<String, Integer> reasons = new java.util.TreeMap<>();
        try (Connection connection = service.database().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, chainId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    reasons.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return reasons;
    }

    private static int minedRequests(final ProofManagerService service) throws SQLException {
        return count(service, "SELECT count(*) FROM l1_transaction_attempts WHERE kind = 'submit_proof_request' AND state = 'mined'",
                Optional.empty());
    }

    private static int requested(final ProofManagerService service, final long chainId) throws SQLException {
        return count(service, "SELECT count(DISTINCT l1_batch_number) FROM eth_proof_manager_history WHERE chain_id = ? AND "
                + ON_L1, Optional.of(chainId));
    }

    private static int count(final ProofManagerService service, final String sql, final Optional<Long> chainId)
            throws SQLException {
        try (Connection connection = service.database().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            if (chainId.isPresent()) {
                statement.setLong(1, chainId.get());
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static Figures figures(final ProofManagerService service, final long chainId, final String name, final int batches)
            throws SQLException {
        // the ready time is the record's createdAt (the topology may publish ready and request_sent_to_l1 as one record)
        // a request the contract assigned to no network is on L1 too: its batch falls back at once, refused at submission
        final String latencies = "SELECT min((record->>'createdAt')::timestamptz), min(changed_at) FROM eth_proof_manager_history"
                + " WHERE chain_id = ? AND " + ON_L1 + " GROUP BY l1_batch_number";
        final String blocks = "SELECT count(*), count(DISTINCT block_number) FROM l1_transaction_attempts"
                + " WHERE kind = 'submit_proof_request' AND state = 'mined'";
        final BenchCommand.Latencies samples = new BenchCommand.Latencies();
        long firstReady = Long.MAX_VALUE;
        long lastRequest = Long.MIN_VALUE;
        int requested = 0;
        try (Connection connection = service.database().dataSource().getConnection()) {
            try (PreparedStatement statement = connection.prepareStatement(latencies)) {
                statement.setLong(1, chainId);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        if (rows.getTimestamp(1) == null || rows.getTimestamp(2) == null) {
                            continue;
                        }
                        final long ready = rows.getTimestamp(1).toInstant().toEpochMilli();
                        final long request = rows.getTimestamp(2).toInstant().toEpochMilli();
                        samples.add(Duration.ofMillis(request - ready).toNanos());
                        firstReady = Math.min(firstReady, ready);
                        lastRequest = Math.max(lastRequest, request);
                        requested++;
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(blocks); ResultSet rows = statement.executeQuery()) {
                rows.next();
                final int mined = rows.getInt(1);
                final int inBlocks = rows.getInt(2);
                final double seconds = requested == 0 ? 0 : (lastRequest - firstReady) / 1e3;
                return new Figures(name, batches, requested, seconds, inBlocks, inBlocks == 0 ? 0 : (double) mined / inBlocks,
                        seconds == 0 ? 0 : requested / seconds * 60, samples.percentileMillis(50), samples.percentileMillis(99));
            }
        }
    }
}
