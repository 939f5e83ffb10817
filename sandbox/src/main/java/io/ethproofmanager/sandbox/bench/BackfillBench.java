package io.ethproofmanager.sandbox.bench;

import io.ethproofmanager.connectors.source.l1.ContractLogDecoder;
import io.ethproofmanager.connectors.source.l1.L1IngesterSettings;
import io.ethproofmanager.connectors.source.l1.L1LogIngester;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.http.HttpService;

/**
 * L1 log back-fill: an anvil chain of its own gets {@code events} ProofManager events ({@code PreferredProvingNetworkUpdated},
 * the cheapest event to make in bulk: an admin call without funds or state; it is decoded and published like any other),
 * {@value #EVENTS_PER_BLOCK} to a block with an empty block after each, then the L1 log ingester reads them from block 0
 * into a Kafka broker of its own, beside a raw {@code eth_getLogs} loop over the same blocks with the same filter (the
 * contract and the ingester's event topics) and the same ranges.
 */
final class BackfillBench implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    static final int RANGE = 1000;
    static final int EVENTS_PER_BLOCK = 4;
    static final String RAW_GET_LOGS = "F";
    static final String INGESTER = "G";

    private final EmbeddedKafkaBroker kafka;
    private final LocalChain chain;
    private final long head;
    private final int events;

    private BackfillBench(final EmbeddedKafkaBroker kafka, final LocalChain chain, final long head, final int events) {
        this.kafka = kafka;
        this.chain = chain;
        this.head = head;
        this.events = events;
    }

    /** Starts the broker and the chain and makes the chain's {@code events} events. */
    static BackfillBench prepare(final Path dir, final int events) throws Exception {
        final EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("backfill-kafka"));
        try {
            final LocalChain chain = LocalChain.start();
            try {
                createTopics(kafka.bootstrapServers());
                final long began = System.nanoTime();
                makeEvents(chain, events);
                final long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
                System.out.printf("back-fill: %d events in blocks 0..%d made in %.1f s%n", events, head, (System.nanoTime() - began) / 1e9);
                return new BackfillBench(kafka, chain, head, events);
            } catch (final Exception e) {
                chain.close();
                throw e;
            }
        } catch (final Exception e) {
            kafka.close();
            throw e;
        }
    }

    BenchCommand.Figure rawGetLogs() throws Exception {
        final List<String> topics = decoder().eventSignatures();
        final Web3j web3j = chain.web3j();
        final long began = System.nanoTime();
        long logs = 0;
        for (long from = 0; from <= head; from += RANGE) {
            final EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(Math.min(head, from + RANGE - 1))), chain.proofManagerAddress())
                    .addOptionalTopics(topics.toArray(String[]::new));
            final EthLog response = web3j.ethGetLogs(filter).send();
            if (response.hasError()) {
                throw new IllegalStateException("eth_getLogs failed: " + response.getError().getMessage());
            }
            logs += response.getLogs().size();
        }
        final long nanos = System.nanoTime() - began;
        requireEvents("the raw eth_getLogs loop", logs);
        return BenchCommand.Figure.of(RAW_GET_LOGS, "raw eth_getLogs loop, same filter and ranges, blocks 0.." + head, logs, nanos);
    }

    BenchCommand.Figure ingester(final int round) {
        final var config = com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("epm.l1.rpc-url", chain.rpcUrl(),
                        "epm.l1.contract-address", chain.proofManagerAddress(), "epm.l1.confirmations", 0, "epm.l1.max-block-range", RANGE))
                .withFallback(io.ethproofmanager.app.ManagerSettings.loadConfig(java.util.Optional.empty())).resolve();
        final L1IngesterSettings settings = L1IngesterSettings.from(config, kafka.bootstrapServers(), "bench", Set.of(271L), 0)
                .withCheckpoint("bench.l1-ingester-checkpoint." + round, "bench-l1-ingester-" + round);
        long published = 0;
        try (L1LogIngester ingester = new L1LogIngester(settings, new SimpleMeterRegistry())) {
            final long began = System.nanoTime();
            final long deadline = began + TIMEOUT.toNanos();
            while (ingester.nextBlock() <= head) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ingester did not reach block " + head + " in " + TIMEOUT.toSeconds() + " s");
                }
                published += ingester.pollOnce();
            }
            final long nanos = System.nanoTime() - began;
            requireEvents("the ingester", published);
            return BenchCommand.Figure.of(INGESTER, "L1 log ingester back-fill of the same blocks (events/s)",
                    published, nanos).comparedWith(RAW_GET_LOGS);
        }
    }

    private void requireEvents(final String who, final long found) {
        // the deployment's own events (network addresses and statuses) come on top of those made here
        if (found < events) {
            throw new IllegalStateException(who + " found " + found + " events, " + events + " were made");
        }
    }

    private ContractLogDecoder decoder() {
        return new ContractLogDecoder(chain.proofManagerAddress(), Set.of(271L), L1IngesterSettings.MAX_PROOF_BYTES_LIMIT);
    }

    @Override
    public void close() {
        chain.close();
        kafka.close();
    }

    /** {@code events} admin calls, {@value #EVENTS_PER_BLOCK} a block, each block followed by an empty one. */
    private static void makeEvents(final LocalChain chain, final int events) throws Exception {
        final HttpService rpc = new HttpService(chain.rpcUrl());
        final Web3j web3j = Web3j.build(rpc);
        try {
            final String admin = chain.admin().getAddress();
            chain.setAutomine(false);
            BigInteger nonce = web3j.ethGetTransactionCount(admin, org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send()
                    .getTransactionCount();
            for (int made = 0; made < events; made += EVENTS_PER_BLOCK) {
                final BatchRequest batch = web3j.newBatch();
                for (int i = made; i < Math.min(events, made + EVENTS_PER_BLOCK); i++) {
                    final String data = FunctionEncoder.encode(new Function("updatePreferredProvingNetwork",
                            List.of(new Uint8(1 + i % 2)), List.of()));
                    batch.add(web3j.ethSendTransaction(Transaction.createFunctionCallTransaction(admin, nonce,
                            BigInteger.valueOf(10_000_000_000L), BigInteger.valueOf(100_000), chain.proofManagerAddress(), data)));
                    nonce = nonce.add(BigInteger.ONE);
                }
                batch.send().getResponses().forEach(response -> {
                    if (response.hasError()) {
                        throw new IllegalStateException("eth_sendTransaction failed: " + response.getError().getMessage());
                    }
                });
                final var mined = new Request<>("anvil_mine", new ArrayList<Object>(List.of(2)), rpc, LocalChain.RawResponse.class).send();
                if (mined.hasError()) {
                    throw new IllegalStateException("anvil_mine failed: " + mined.getError().getMessage());
                }
            }
            chain.setAutomine(true);
        } finally {
            web3j.shutdown();
        }
    }

    private static void createTopics(final String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(Topics.L1_EVENTS.name(), 1, (short) 1),
                    new NewTopic(Topics.NETWORK_EVENTS.name(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
