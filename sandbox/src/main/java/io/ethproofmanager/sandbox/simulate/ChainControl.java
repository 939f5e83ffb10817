package io.ethproofmanager.sandbox.simulate;

import io.ethproofmanager.devkit.chain.LocalChain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.http.HttpService;

/**
 * The simulation's hand on anvil, all on one thread so that its operations never interleave: the clock (a block a
 * second, chain time moving {@code speed} seconds), base fee spikes, and reorgs with {@code anvil_reorg} that put the
 * removed transactions back in other blocks and in another order (per sender, and per batch, the order is kept).
 */
final class ChainControl implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChainControl.class);

    private final LocalChain chain;
    private final HttpService rpc;
    private final int speed;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "epm-sim-chain");
        thread.setDaemon(true);
        return thread;
    });
    private volatile BigInteger spikeBaseFee;
    private int reorgedTransactions;
    private final List<String> nodeFaults = java.util.Collections.synchronizedList(new ArrayList<>());

    ChainControl(final LocalChain chain, final int speed) {
        this.chain = chain;
        this.rpc = new HttpService(chain.rpcUrl());
        this.speed = speed;
    }

    void start() {
        executor.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        try {
            final BigInteger spike = spikeBaseFee;
            if (spike != null) {
                rpc("anvil_setNextBlockBaseFeePerGas", List.of("0x" + spike.toString(16)));
            }
            if (speed > 1) {
                chain.increaseTime(speed - 1);
            }
            chain.mine();
        } catch (final java.io.IOException | RuntimeException e) {
            LOG.warn("simulation: chain tick failed: {}", e.toString());
        }
    }

    /** The base fee of the latest block. */
    BigInteger baseFee() {
        return on(() -> chain.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getBaseFeePerGas());
    }

    /** Keeps every block's base fee at {@code baseFee} until {@link #endSpike(BigInteger)}. */
    void spike(final BigInteger baseFee) {
        spikeBaseFee = baseFee;
        on(() -> rpc("anvil_setNextBlockBaseFeePerGas", List.of("0x" + baseFee.toString(16))));
    }

    void endSpike(final BigInteger back) {
        spikeBaseFee = null;
        on(() -> rpc("anvil_setNextBlockBaseFeePerGas", List.of("0x" + back.toString(16))));
    }

    /** Transactions put back by reorgs so far. */
    int reorgedTransactions() {
        return reorgedTransactions;
    }

    /**
     * Replaces the last {@code depth} blocks: their transactions go back in new blocks, in an order drawn from
     * {@code random} that keeps each sender's nonces and each batch's calls in order. Returns the number moved.
     */
    int reorg(final int depth, final Random random) {
        return reorg(depth, random, true);
    }

    /** As {@link #reorg(int, Random)}; unless {@code evenWithoutTransactions}, nothing happens (returns -1) when the blocks hold none. */
    int reorg(final int depth, final Random random, final boolean evenWithoutTransactions) {
        return on(() -> {
            chain.setAutomine(false);
            try {
                // a transaction still pending (sent while automine was turning off) and anvil_reorg race: anvil mined it
                // in a block of its own whose state the reorg's blocks then lacked (its receipt and logs on chain, its
                // effect not: seed 11, batch 760's acknowledgement); so reorg only with an empty pool, else try later
                if (pendingTransactions() > 0) {
                    return -1;
                }
                final long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
                final int d = (int) Math.min(depth, Math.max(0, head - 20));
                if (d < 1) {
                    return 0;
                }
                final List<Tx> txs = new ArrayList<>();
                for (long n = head - d + 1; n <= head; n++) {
                    final EthBlock.Block block = chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), true)
                            .send().getBlock();
                    for (final EthBlock.TransactionResult<?> result : block.getTransactions()) {
                        final var tx = (EthBlock.TransactionObject) result.get();
                        final String raw = String.valueOf(rpc("eth_getRawTransactionByHash", List.of(tx.getHash())));
                        txs.add(new Tx(raw, tx.getFrom().toLowerCase(Locale.ROOT), key(tx.getInput())));
                    }
                }
                if (txs.isEmpty() && !evenWithoutTransactions) {
                    return -1;
                }
                final List<Tx> order = reorder(txs, random);
                final List<List<Object>> pairs = new ArrayList<>();
                int offset = 0;
                for (final Tx tx : order) {
                    offset = Math.max(offset, random.nextInt(d));
                    pairs.add(List.of(tx.raw(), offset));
                }
                if (pendingTransactions() > 0) {
                    return -1;
                }
                rpc("anvil_reorg", List.of(d, pairs));
                reorgedTransactions += txs.size();
                LOG.info("simulation: reorg of depth {} at block {}: {} transactions put back re-ordered", d, head, txs.size());
                return txs.size();
            } finally {
                chain.setAutomine(true);
                chain.mine(); // whatever arrived meanwhile
                checkChainAfterReorg(depth);
            }
        });
    }

    /**
     * Whether the node still serves every block from below the reorg to its head: anvil's {@code anvil_reorg} has been
     * seen to lose a block it replaced (seed 7: after a reorg of depth 1 at block 2009, {@code eth_getBlockByNumber(2009)}
     * and the block by its hash answer null while block 2010, its child, is served). A manager cannot read past such a
     * hole (its L1 ingester reports itself stuck); the run's later outcome is then the node's fault, which the report says.
     */
    private void checkChainAfterReorg(final int depth) {
        try {
            final long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
            for (long n = Math.max(0, head - depth - 2); n <= head; n++) {
                if (chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), false).send()
                        .getBlock() == null) {
                    final String fault = "the node lost block " + n + " in anvil_reorg (depth " + depth + ", head now " + head
                            + "): eth_getBlockByNumber(" + n + ") answers null";
                    nodeFaults.add(fault);
                    LOG.error("simulation: {}", fault);
                }
            }
        } catch (final java.io.IOException | RuntimeException e) {
            LOG.warn("simulation: cannot check the chain after a reorg: {}", e.toString());
        }
    }

    /** Blocks the local node lost in reorgs (an anvil fault, not the manager's); empty in a sound run. */
    List<String> nodeFaults() {
        return List.copyOf(nodeFaults);
    }

    private record Tx(String raw, String from, String key) {
    }

    /** Transactions in the node's pool, not mined yet ({@code txpool_status}: pending and queued). */
    private long pendingTransactions() throws java.io.IOException {
        final Object status = rpc("txpool_status", List.of());
        if (!(status instanceof java.util.Map<?, ?> counts)) {
            throw new IllegalStateException("txpool_status answered " + status);
        }
        long total = 0;
        for (final Object count : counts.values()) {
            total += Long.decode(String.valueOf(count));
        }
        return total;
    }

    /** A random order in which a transaction never precedes an earlier one of the same sender or the same batch. */
    private static List<Tx> reorder(final List<Tx> txs, final Random random) {
        final List<Tx> left = new ArrayList<>(txs);
        final List<Tx> order = new ArrayList<>();
        while (!left.isEmpty()) {
            final List<Integer> ready = new ArrayList<>();
            for (int j = 0; j < left.size(); j++) {
                boolean free = true;
                for (int i = 0; i < j && free; i++) {
                    free = !dependsOn(left.get(j), left.get(i));
                }
                if (free) {
                    ready.add(j);
                }
            }
            order.add(left.remove((int) ready.get(random.nextInt(ready.size()))));
        }
        return order;
    }

    private static boolean dependsOn(final Tx later, final Tx earlier) {
        return later.from().equals(earlier.from()) || later.key().equals(earlier.key()) || later.key().equals("*")
                || earlier.key().equals("*");
    }

    /** The proof request a call is about (its first argument, chain id and batch number), or "*" for other calls. */
    private static String key(final String input) {
        return input == null || input.length() < 138 ? "*" : input.substring(10, 138);
    }

    private <T> T on(final Callable<T> task) {
        try {
            return executor.submit(task).get();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (final ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private Object rpc(final String method, final List<?> params) throws java.io.IOException {
        final LocalChain.RawResponse response = new Request<>(method, params, rpc, LocalChain.RawResponse.class).send();
        if (response.hasError()) {
            throw new IllegalStateException(method + " failed: " + response.getError().getMessage());
        }
        return response.getResult();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

}
