package io.ethproofmanager.devkit.chain;

import java.nio.file.Path;

/** A process that starts a local chain in a directory, says where, and runs until it is killed. */
final class LocalChainOwnerProcess {

    private LocalChainOwnerProcess() {
    }

    public static void main(final String[] args) throws InterruptedException {
        final LocalChain chain = LocalChain.startIn(Path.of(args[0]), LocalChain.DEFAULT_CHAIN_ID, 0);
        System.out.println("UP " + chain.rpcUrl());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
