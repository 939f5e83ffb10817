package io.ethproofmanager.sandbox.bench;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.app.ProofManagerService;
import io.ethproofmanager.sandbox.LocalManager;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.connectors.source.l1.L1IngesterSettings;
import io.ethproofmanager.connectors.source.l1.L1LogIngester;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.Set;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;

/**
 * The chain side on the embedded service: log back-fill events/s beside a raw {@code eth_getLogs} loop over the same
 * range, and the latency from an Acknowledged event being mined to the batch's row saying so in PostgreSQL.
 */
final class ChainBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final int RANGE = 1000;

    private final Path dir;

    ChainBench(final Path dir) {
        this.dir = dir;
    }

    /** Runs both measurements on one embedded service with {@code batches} batches. */
    List<BenchCommand.Figure> run(final int batches, final BenchCommand.Latencies latencies) throws Exception {
        final Map<String, Object> overrides = new HashMap<>();
        overrides.put("epm.data-dir", dir.resolve("service").toString());
        overrides.put("epm.http.port", 0);
        overrides.put("epm.sandbox.anvil-port", 0);
        overrides.put("epm.l1.poll-interval", "100ms");
        overrides.put("epm.readiness.poll-interval", "200ms");
        overrides.put("epm.readiness.batch-limit", 500);
        try (LocalManager manager = LocalManager.start(
                ConfigFactory.parseMap(overrides).withFallback(ManagerSettings.loadConfig(Optional.empty())).resolve(), s -> s)) {
            final ProofManagerService service = manager.service();
            final ManagerSettings settings = manager.settings();
            final List<Long> seeded = ReadyBatchSeeder.seed(service.database().dataSource(), service.rollupBlobs()::write, batches, new Random(7));
            awaitRows(service, "request_sent_to_l1", seeded.size());
            final LocalChain chain = manager.localChain().orElseThrow();
            measureAcknowledgeLatency(service, chain, seeded, settings.chainId(), latencies);
            return List.of(rawGetLogs(chain), ingesterBackfill(service, chain, settings.chainId()));
        }
    }

    private void measureAcknowledgeLatency(final ProofManagerService service, final LocalChain chain, final List<Long> batches,
            final long chainId, final BenchCommand.Latencies latencies) throws Exception {
        for (final long batch : batches) {
            final var id = new ProofManager.ProofRequestIdentifier(BigInteger.valueOf(chainId), BigInteger.valueOf(batch));
            final var request = chain.proofManager(chain.submitter()).proofRequest(id).send();
            final ProvingNetwork network = ProvingNetwork.fromOnChainValue(request.assignedTo.intValueExact());
            if (network == ProvingNetwork.NONE) {
                continue;
            }
            // measured from before the transaction is sent (anvil mines it at once): an upper bound of mined -> row
            final long mined = System.nanoTime();
            chain.proofManager(LocalChain.networkAccount(network)).acknowledgeProofRequest(id, true).send();
            awaitRowStatus(service, batch, "acknowledged");
            latencies.add(System.nanoTime() - mined);
        }
    }

    private BenchCommand.Figure rawGetLogs(final LocalChain chain) throws Exception {
        final long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        final long began = System.nanoTime();
        long logs = 0;
        for (long from = 0; from <= head; from += RANGE) {
            final EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(Math.min(head, from + RANGE - 1))), chain.proofManagerAddress());
            logs += chain.web3j().ethGetLogs(filter).send().getLogs().size();
        }
        return new BenchCommand.Figure("raw eth_getLogs loop over blocks 0.." + head + " (ranges of " + RANGE + ")", logs,
                System.nanoTime() - began);
    }

    private BenchCommand.Figure ingesterBackfill(final ProofManagerService service, final LocalChain chain, final long chainId)
            throws Exception {
        final long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        final var config = com.typesafe.config.ConfigFactory.parseMap(Map.of("epm.l1.rpc-url", chain.rpcUrl(),
                "epm.l1.contract-address", chain.proofManagerAddress(), "epm.l1.confirmations", 0, "epm.l1.max-block-range", RANGE))
                .withFallback(service.settings().config());
        final L1IngesterSettings settings = L1IngesterSettings
                .from(config, service.endpoints().bootstrapServers(), "bench", Set.of(chainId), 0)
                .withCheckpoint("bench.l1-ingester-checkpoint", "bench-l1-ingester");
        long events = 0;
        final long began;
        try (L1LogIngester ingester = new L1LogIngester(settings, new SimpleMeterRegistry())) {
            began = System.nanoTime();
            final long deadline = began + TIMEOUT.toNanos();
            while (ingester.nextBlock() <= head) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ingester did not reach block " + head + " in " + TIMEOUT.toSeconds() + " s");
                }
                events += ingester.pollOnce();
            }
            return new BenchCommand.Figure("L1 log ingester back-fill of the same blocks (decode + Kafka transaction)", events,
                    System.nanoTime() - began);
        }
    }

    private static void awaitRows(final ProofManagerService service, final String status, final int count) throws Exception {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (count(service, "SELECT count(*) FROM eth_proof_manager WHERE status <> 'ready_to_be_proven'") < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fewer than " + count + " batches reached " + status + " in " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    private static void awaitRowStatus(final ProofManagerService service, final long batch, final String status) throws Exception {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (count(service, "SELECT count(*) FROM eth_proof_manager WHERE l1_batch_number = " + batch + " AND status = '" + status + "'") == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("batch " + batch + " was not " + status + " after " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(5);
        }
    }

    private static long count(final ProofManagerService service, final String sql) throws SQLException {
        try (Connection c = service.database().dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
