package io.ethproofmanager.sandbox.network;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code network}: acts as a proving network on a local chain, for demos and manual tests: acknowledges (accepts or
 * refuses) a batch's proof request with the network's development key.
 */
@Command(name = "network", mixinStandardHelpOptions = true,
        description = "Act as the proving network a batch is assigned to, on the local chain of a running embedded manager.")
public final class NetworkCommand implements Callable<Integer> {

    /** The address the embedded local chain deploys the proof manager at (anvil account 0, its second transaction). */
    public static final String LOCAL_PROOF_MANAGER = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

    @Option(names = "--batch", required = true, description = "the L1 batch number")
    private long batch;

    @Option(names = "--refuse", description = "refuse the request instead of accepting it")
    private boolean refuse;

    @Option(names = "--chain-id", defaultValue = "271", description = "the rollup's chain id in the request identifier")
    private long chainId;

    @Option(names = "--rpc-url", defaultValue = "http://127.0.0.1:8545", description = "the local chain's JSON-RPC endpoint")
    private String rpcUrl;

    @Option(names = "--contract", defaultValue = LOCAL_PROOF_MANAGER, description = "the proof manager contract")
    private String contract;

    @Override
    public Integer call() throws Exception {
        final Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            final long l1ChainId = web3j.ethChainId().send().getChainId().longValueExact();
            final var id = new ProofManager.ProofRequestIdentifier(BigInteger.valueOf(chainId), BigInteger.valueOf(batch));
            final ProofManager reader = ProofManager.load(contract, web3j, Credentials.create("0x1"), new DefaultGasProvider());
            final ProofManager.ProofRequest request = reader.proofRequest(id).send();
            if (request.submittedAt.signum() == 0) {
                System.err.printf("batch %d:%d has no proof request on %s yet%n", chainId, batch, contract);
                return 1;
            }
            final ProvingNetwork network = ProvingNetwork.fromOnChainValue(request.assignedTo.intValueExact());
            if (network == ProvingNetwork.NONE) {
                System.err.printf("batch %d:%d was assigned to no network (refused at once by the contract)%n", chainId, batch);
                return 1;
            }
            final Credentials account = LocalChain.networkAccount(network);
            final ProofManager asNetwork = ProofManager.load(contract, web3j,
                    new RawTransactionManager(web3j, account, l1ChainId, new PollingTransactionReceiptProcessor(web3j, 200, 150)),
                    new StaticEIP1559GasProvider(l1ChainId, BigInteger.valueOf(10_000_000_000L), BigInteger.valueOf(1_000_000_000L),
                            BigInteger.valueOf(1_000_000L)));
            final TransactionReceipt receipt = asNetwork.acknowledgeProofRequest(id, !refuse).send();
            System.out.printf("%s %s the proof request of batch %d:%d in tx %s (block %s)%n", network.wireName(),
                    refuse ? "refused" : "accepted", chainId, batch, receipt.getTransactionHash(), receipt.getBlockNumber());
            return 0;
        } finally {
            web3j.shutdown();
        }
    }
}
