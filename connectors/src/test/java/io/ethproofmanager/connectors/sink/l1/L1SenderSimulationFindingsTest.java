package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult.OnChainRequestStatus;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the simulation ({@code simulate}) found in the L1 sender, against a real anvil chain, PostgreSQL and Kafka broker:
 * a sender started while its node answers HTTP errors waits for it (a kill -9 overlapping an rpc-fail: the restarted
 * manager's sender died reading the chain id, and the manager never became ready again); a redelivered request that our
 * mined attempt put on chain reports the request's status at the block it was mined in, not at the head (a kill -9 after
 * the mining: the network refused the request meanwhile, and the batch fell back as refused_at_submission).
 */
class L1SenderSimulationFindingsTest extends L1SenderTestBase {

    private static final long ROLLUP = 326;

    L1SenderSimulationFindingsTest() {
        super("findings");
    }

    @Test
    void aRedeliveredRequestReportsItsStatusAtTheBlockOurAttemptWasMinedInNotAtTheHead() throws Exception {
        final BatchId batch = new BatchId(ROLLUP, 2);
        final SubmitProofRequest command = new SubmitProofRequest(SubmitProofRequest.commandIdFor(batch), ROLLUP, 2,
                "https://blobs.example/2", new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now());
        start(settings(HIGH_CAP, Duration.ofMillis(300)));
        produce(command);
        final L1TransactionResult mined = awaitResults(1).getFirst();
        final ProofRequestIdentifier id = new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP), BigInteger.valueOf(2));
        final int assignee = chain.proofManager(chain.outsider()).proofRequest(id).send().assignedTo.intValueExact();
        chain.proofManager(LocalChain.networkAccount(ProvingNetwork.values()[assignee])).acknowledgeProofRequest(id, false).send();

        produce(command);
        final L1TransactionResult again = awaitResults(2).get(1);

        assertThat(mined.onChainStatus()).contains(OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
        assertThat(again.outcome()).isEqualTo(L1TransactionResult.Outcome.ALREADY_ON_CHAIN);
        assertThat(again.txHash()).isEqualTo(mined.txHash());
        assertThat(again.onChainStatus()).as("refused since by the network, not at submission")
                .contains(OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
        assertThat(again.blockNumber()).isEqualTo(mined.blockNumber());
    }

    @Test
    void aSenderStartedDuringANodeOutageWaitsForTheNodeThenSends() throws Exception {
        try (OutageProxy node = new OutageProxy(chain.rpcUrl())) {
            final L1TransactionSender sender = start(L1SenderSettings.from(TestSettings.with(Map.of(
                            "epm.l1.rpc-url", node.url(),
                            "epm.l1.contract-address", chain.proofManagerAddress(),
                            "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                            "epm.l1.max-fee-per-gas-cap", HIGH_CAP.toString(),
                            "epm.l1.held-retry-backoff", "200ms")), bootstrap(), group)
                    .withTopics(commands, results));

            await().atMost(WAIT).until(() -> node.refused() >= 3);
            assertThat(sender.isHealthy()).as("still trying after %d refused requests", node.refused()).isTrue();

            node.recover();
            final BatchId batch = new BatchId(ROLLUP, 1);
            produce(new SubmitProofRequest(SubmitProofRequest.commandIdFor(batch), ROLLUP, 1, "https://blobs.example/1",
                    new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now()));

            assertThat(awaitResults(1).getFirst().outcome()).isEqualTo(L1TransactionResult.Outcome.MINED);
            assertThat(sender.isHealthy()).isTrue();
        }
    }

    /** A proxy in front of the node that answers 503 until {@link #recover()}, then forwards every request. */
    private static final class OutageProxy implements AutoCloseable {

        private final HttpServer server;
        private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        private final HttpClient client = HttpClient.newHttpClient();
        private final URI target;
        private final AtomicBoolean down = new AtomicBoolean(true);
        private final AtomicInteger refused = new AtomicInteger();

        OutageProxy(final String targetUrl) {
            this.target = URI.create(targetUrl);
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot open the proxy's port", e);
            }
            server.setExecutor(handlers);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        int refused() {
            return refused.get();
        }

        void recover() {
            down.set(false);
        }

        private void handle(final HttpExchange exchange) throws IOException {
            final byte[] request = exchange.getRequestBody().readAllBytes();
            int status = 503;
            byte[] body = "{\"error\":\"node outage\"}".getBytes(StandardCharsets.UTF_8);
            if (down.get()) {
                refused.incrementAndGet();
            } else {
                try {
                    final HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(target)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    status = answer.statusCode();
                    body = answer.body();
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            handlers.shutdownNow();
            client.close();
        }
    }
}
