package io.ethproofmanager.connectors.source.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ingester against its own broker, stopped and restarted under it: failed commits publish nothing and lose nothing. */
class L1LogIngesterBrokerOutageTest {

    private static final long ROLLUP_CHAIN = 90_001;
    private static LocalChain chain;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void infrastructure() {
        chain = LocalChain.start(31_338);
        broker = EmbeddedKafkaBroker.start(SharedInfrastructure.tempDir("l1-outage-kafka"));
        SharedInfrastructure.createTopics(broker.bootstrapServers(), Topics.L1_EVENTS.name(), Topics.NETWORK_EVENTS.name());
    }

    @AfterAll
    static void stopInfrastructure() {
        broker.close();
        chain.close();
    }

    @Test
    void stepsFailWhileTheBrokerIsDownAndEveryEventIsPublishedOnceAfterItReturns() throws Exception {
        final ProofManager submitter = chain.proofManager(chain.submitter());
        final long start = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact() + 1;
        final L1IngesterSettings settings = L1IngesterSettings.from(TestSettings.with(Map.of("epm.l1.rpc-url", chain.rpcUrl(),
                        "epm.l1.contract-address", chain.proofManagerAddress())), broker.bootstrapServers(), "test", Set.of(ROLLUP_CHAIN), start)
                .withProducerOverrides(Map.of("max.block.ms", "2000", "request.timeout.ms", "1000", "delivery.timeout.ms", "3000"));

        try (L1LogIngester ingester = new L1LogIngester(settings, new SimpleMeterRegistry())) {
            submitter.submitProofRequest(id(1), params()).send();
            assertThat(ingester.pollOnce()).isEqualTo(1);

            broker.stop();
            submitter.submitProofRequest(id(2), params()).send();
            submitter.submitProofRequest(id(3), params()).send();
            final long nextBeforeOutage = ingester.nextBlock();
            assertThatThrownBy(ingester::pollOnce).as("a step whose transaction cannot commit").isInstanceOf(RuntimeException.class);
            assertThat(ingester.nextBlock()).isEqualTo(nextBeforeOutage);

            broker.start();
            final long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
            await("the ingester to read up to block " + head + " after the broker returned")
                    .atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        ingester.pollOnce();
                        return ingester.nextBlock() > head;
                    });
        }

        try (PublishedEvents published = new PublishedEvents(broker.bootstrapServers())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> published.l1Events(ROLLUP_CHAIN).size() >= 3);
            final var perBatch = published.l1Events(ROLLUP_CHAIN).stream()
                    .collect(Collectors.groupingBy(p -> p.value().batchNumber(), Collectors.counting()));
            assertThat(perBatch).isEqualTo(Map.of(1L, 1L, 2L, 1L, 3L, 1L));
        }
    }

    private static ProofRequestIdentifier id(final long batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP_CHAIN), BigInteger.valueOf(batch));
    }

    private static ProofRequestParams params() {
        return new ProofRequestParams(BigInteger.ZERO, BigInteger.valueOf(29), BigInteger.TWO, "https://blobs.example/inputs.bin",
                BigInteger.valueOf(4_800), BigInteger.valueOf(4_000_000));
    }
}
