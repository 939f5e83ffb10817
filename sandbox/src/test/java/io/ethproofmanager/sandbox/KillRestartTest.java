package io.ethproofmanager.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.connectors.testing.ManagerProcess;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * {@code ./run.sh} on a fixed data directory killed with {@code kill -9} and started again: the first start after the
 * kill works with no manual step (the PostgreSQL and anvil the dead JVM left running are stopped or adopted), on the
 * same chain, database and topics, nothing is requested twice, and a batch made ready after the restart is requested. The
 * time from the kill to ready again is printed (static group membership: the restarted instance takes its partitions
 * back at once).
 */
class KillRestartTest {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private ManagerProcess manager;

    @AfterEach
    void stopLeftover() throws InterruptedException {
        if (manager != null && manager.isAlive()) {
            manager.terminate(Duration.ofSeconds(40));
        }
    }

    @Test
    void theFirstStartAfterKillMinus9ResumesOnTheSameChainAndDatabase() throws Exception {
        final Map<String, String> environment = Map.of(
                "EPM_DATA_DIR", dir.resolve("data").toString(),
                "EPM_SANDBOX_ANVIL_PORT", "0",
                "EPM_READINESS_POLL_INTERVAL", "100ms",
                "EPM_L1_POLL_INTERVAL", "200ms");
        manager = ManagerProcess.start(SandboxMain.class, List.of("--demo-batches", "3", "--networks", "off"), environment,
                dir.resolve("first.log")).awaitReady(READY_TIMEOUT);
        final String jdbcUrl = Files.readString(dir.resolve("data/postgres/jdbc-url")).trim();
        // requests to the contract's preferred network (none at first) are refused at once and fall back
        await().atMost(READY_TIMEOUT).ignoreExceptions().until(() -> count(jdbcUrl, "status IN ('request_sent_to_l1', 'fallen_back')") == 3);
        final long requested = count(jdbcUrl, "status = 'request_sent_to_l1'");
        final String rpcUrl = Files.readString(dir.resolve("data/anvil/rpc-url")).trim();

        manager.kill();

        final long restartedAt = System.nanoTime();
        manager = ManagerProcess.start(SandboxMain.class, List.of(), environment, dir.resolve("second.log"))
                .awaitReady(READY_TIMEOUT);
        final Duration toReady = Duration.ofNanos(System.nanoTime() - restartedAt);
        System.out.printf("kill -9 -> ready again: %.1f s (JVM start included)%n", toReady.toMillis() / 1000.0);

        assertThat(Files.readString(dir.resolve("data/anvil/rpc-url")).trim()).as("the same chain node").isEqualTo(rpcUrl);
        assertThat(manager.output()).contains("adopted the anvil").contains("left running on");
        assertThat(count(jdbcUrl, "status = 'request_sent_to_l1'")).as("the same database, its rows kept").isEqualTo(requested)
                .isPositive();
        // and it works on: a batch made ready now is requested
        final org.postgresql.ds.PGSimpleDataSource rollupDatabase = new org.postgresql.ds.PGSimpleDataSource();
        rollupDatabase.setURL(jdbcUrl);
        ReadyBatchSeeder.seed(rollupDatabase, new FileSystemBlobStore(dir.resolve("data/blobs/rollup"))::write, 1, new java.util.Random(9));
        await().atMost(READY_TIMEOUT).ignoreExceptions().until(() -> count(jdbcUrl, "status IN ('request_sent_to_l1', 'fallen_back')") == 4);

        final Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            final String address = LocalChain.deploymentIn(dir.resolve("data/anvil")).orElseThrow().proofManagerAddress();
            final ProofManager contract = ProofManager.load(address, web3j, LocalChain.submitterAccount(), new DefaultGasProvider());
            assertThat(contract.requestCounter().send()).as("one submitProofRequest per batch (the refused ones included), none"
                    + " again after the restart").isEqualTo(BigInteger.valueOf(4));
        } finally {
            web3j.shutdown();
        }
    }

    private static long count(final String jdbcUrl, final String where) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM eth_proof_manager WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
