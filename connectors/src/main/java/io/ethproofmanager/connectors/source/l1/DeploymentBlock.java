package io.ethproofmanager.connectors.source.l1;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Objects;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthGetCode;

/**
 * Finds the block a contract was deployed in by binary search over {@code eth_getCode(address, block)}: the first block
 * whose state holds code at the address. Needs a node that answers for old blocks (anvil, an archive node); a node without
 * that history fails the search with the node's error.
 */
public final class DeploymentBlock {

    private DeploymentBlock() {
    }

    /**
     * The block {@code address} got its code in.
     *
     * @throws IllegalStateException when the node holds no code at {@code address} in its latest block, or cannot answer
     *     for an older block (no history), or does not answer at all
     */
    public static long find(final Web3j web3j, final String address) {
        Objects.requireNonNull(web3j, "web3j");
        Objects.requireNonNull(address, "address");
        final long latest = send("read the latest block number", () -> web3j.ethBlockNumber().send().getBlockNumber().longValueExact());
        if (!hasCode(web3j, address, DefaultBlockParameterName.LATEST, "latest")) {
            throw new IllegalStateException("no contract code at " + address + " in the latest block " + latest);
        }
        if (hasCode(web3j, address, DefaultBlockParameter.valueOf(BigInteger.ZERO), "0")) {
            return 0;
        }
        // invariant: no code at `without`, code at `with`
        long without = 0;
        long with = latest;
        while (with - without > 1) {
            final long middle = without + (with - without) / 2;
            if (hasCode(web3j, address, DefaultBlockParameter.valueOf(BigInteger.valueOf(middle)), Long.toString(middle))) {
                with = middle;
            } else {
                without = middle;
            }
        }
        return with;
    }

    private static boolean hasCode(final Web3j web3j, final String address, final DefaultBlockParameter block,
            final String blockName) {
        final EthGetCode response = send("read the code at " + address + " in block " + blockName,
                () -> web3j.ethGetCode(address, block).send());
        if (response.hasError()) {
            throw new IllegalStateException("eth_getCode(" + address + ", block " + blockName + ") failed: "
                    + response.getError().getMessage());
        }
        final String code = response.getCode();
        return code != null && !code.isBlank() && !code.equals("0x");
    }

    private static <T> T send(final String what, final Call<T> call) {
        try {
            return call.call();
        } catch (final IOException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** A call to the node that may fail. */
    @FunctionalInterface
    private interface Call<T> {
        T call() throws IOException;
    }
}
