package io.ethproofmanager.sandbox.bench;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.app.ProofManagerService;
import io.ethproofmanager.sandbox.LocalManager;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.ProvingNetwork;
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
 * The chain side on the embedded service: the latency from an Acknowledged event being mined to the batch's row saying
 * so in PostgreSQL.
 */
final class ChainBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;

    ChainBench(final Path dir) {
        this.dir = dir;
    }

    /**
     * Runs the latency measurement on one embedded service with {@code batches} batches: with the ingester polling every
     * 100 ms, or ({@code atDefaults}) with every setting at its default but the ports and the data directory.
     */
    void run(final int batches, final BenchCommand.Latencies latencies, final boolean atDefaults) throws Exception {
        final Map<String, Object> overrides = new HashMap<>();
        overrides.put("epm.data-dir", dir.resolve(atDefaults ? "service-defaults" : "service").toString());
        overrides.put("epm.http.port", 0);
        overrides.put("epm.sandbox.anvil-port", 0);
        if (!atDefaults) {
            overrides.put("epm.l1.poll-interval", "100ms");
            overrides.put("epm.readiness.poll-interval", "200ms");
            overrides.put("epm.readiness.batch-limit", 500);
        }
        try (LocalManager manager = LocalManager.start(
                ConfigFactory.parseMap(overrides).withFallback(ManagerSettings.loadConfig(Optional.empty())).resolve(), s -> s)) {
            final ProofManagerService service = manager.service();
            final ManagerSettings settings = manager.settings();
            final List<Long> seeded = ReadyBatchSeeder.seed(service.database().dataSource(), service.rollupBlobs()::write, batches, new Random(7));
            awaitRows(service, "request_sent_to_l1", seeded.size());
            final LocalChain chain = manager.localChain().orElseThrow();
            measureAcknowledgeLatency(service, chain, seeded, settings.chainId(), settings.config().getDuration("epm.l1.poll-interval"), latencies);
        }
    }

    private void measureAcknowledgeLatency(final ProofManagerService service, final LocalChain chain, final List<Long> batches,
            final long chainId, final Duration pollInterval, final BenchCommand.Latencies latencies) throws Exception {
        final Random pause = new Random(11);
        for (final long batch : batches) {
            final var id = new ProofManager.ProofRequestIdentifier(BigInteger.valueOf(chainId), BigInteger.valueOf(batch));
            final var request = chain.proofManager(chain.submitter()).proofRequest(id).send();
            final ProvingNetwork network = ProvingNetwork.fromOnChainValue(request.assignedTo.intValueExact());
            if (network == ProvingNetwork.NONE) {
                continue;
            }
            // at a random point of the ingester's poll interval (else each sample would start right after the poll that
            // found the previous one, and wait a whole interval); measured from before the transaction is sent (anvil
            // mines it at once): an upper bound of mined -> row
            Thread.sleep(pause.nextLong(Math.max(1, pollInterval.toMillis())));
            final long mined = System.nanoTime();
            // the row is watched while the bench's client still polls for the receipt (every 200 ms)
            final var sent = chain.proofManager(LocalChain.networkAccount(network)).acknowledgeProofRequest(id, true).sendAsync();
            awaitRowStatus(service, batch, "acknowledged");
            latencies.add(System.nanoTime() - mined);
            sent.join();
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
