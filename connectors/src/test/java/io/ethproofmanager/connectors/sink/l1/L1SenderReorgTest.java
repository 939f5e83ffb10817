package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sender's own transaction reorganised out of the chain on a real anvil ({@code anvil_reorg}, which does not put it
 * back in the pool), before the confirmation depth: it is detected and sent again, and the request ends on chain once.
 */
class L1SenderReorgTest extends L1SenderTestBase {

    private static final long ROLLUP = 324;

    L1SenderReorgTest() {
        super("reorg");
    }

    @Test
    void aMinedRequestReorganisedOutBeforeItsConfirmationsIsSentAgainAndEndsOnChainOnce() throws Exception {
        final long nonceBefore = nonce();
        start(L1SenderSettings.from(TestSettings.with(Map.of(
                "epm.l1.rpc-url", chain.rpcUrl(),
                "epm.l1.contract-address", chain.proofManagerAddress(),
                "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                "epm.l1.max-fee-per-gas-cap", HIGH_CAP.toString(),
                "epm.l1.sender-confirmations", 3,
                "epm.l1.held-retry-backoff", "300ms")), bootstrap(), group).withTopics(commands, results));
        final SubmitProofRequest command = new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, 31)),
                ROLLUP, 31, "https://blobs.example/31", new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now());
        produce(command);
        final L1TransactionResult mined = awaitResults(1).getFirst();
        assertThat(mined.outcome()).isEqualTo(Outcome.MINED);

        chain.reorg(1);
        assertThat(chain.web3j().ethGetTransactionReceipt(mined.txHash()).send().getTransactionReceipt()).isEmpty();
        final List<L1TransactionResult> results = awaitResults(2);
        for (int block = 0; block < 4; block++) {
            chain.mine();
        }

        assertThat(results.get(1).outcome()).isEqualTo(Outcome.MINED);
        assertThat(results.get(1).txHash()).as("its persisted transaction, broadcast again").isEqualTo(mined.txHash());
        assertThat(chain.web3j().ethGetTransactionReceipt(mined.txHash()).send().getTransactionReceipt()).isPresent();
        assertThat(chain.proofManager(chain.outsider()).requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
        await().atMost(WAIT).until(() -> states(command.commandId()).equals(List.of("mined")));
    }
}
