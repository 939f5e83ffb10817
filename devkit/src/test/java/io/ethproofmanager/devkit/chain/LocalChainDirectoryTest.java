package io.ethproofmanager.devkit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local chain that lives in a directory: after a graceful stop it starts again from its dumped state, and the node a
 * process killed with {@code kill -9} left running is adopted, not started a second time; the contracts stay where they
 * were, with what was done to them.
 */
class LocalChainDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aStoppedChainStartsAgainFromItsStateWithItsContractsAndTheirState() throws Exception {
        final Path chainDir = dir.resolve("anvil");
        final String proofManager;
        final long blockBefore;
        try (LocalChain first = LocalChain.startIn(chainDir, LocalChain.DEFAULT_CHAIN_ID, 0)) {
            first.proofManager(first.admin()).updatePreferredProvingNetwork(LocalChain.LAGRANGE).send();
            proofManager = first.proofManagerAddress();
            blockBefore = first.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        }

        try (LocalChain second = LocalChain.startIn(chainDir, LocalChain.DEFAULT_CHAIN_ID, 0)) {
            assertThat(second.proofManagerAddress()).isEqualTo(proofManager);
            assertThat(second.web3j().ethBlockNumber().send().getBlockNumber().longValueExact()).isEqualTo(blockBefore);
            assertThat(second.proofManager(second.admin()).preferredProvingNetwork().send()).isEqualTo(LocalChain.LAGRANGE);
            assertThat(second.web3j().ethChainId().send().getChainId().longValueExact()).isEqualTo(LocalChain.DEFAULT_CHAIN_ID);
        }
    }

    @Test
    void theNodeOfAKilledOwnerIsAdoptedWithItsChainAndAnotherLiveOwnerIsRefused() throws Exception {
        final Path chainDir = dir.resolve("anvil");
        final Process owner = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), LocalChainOwnerProcess.class.getName(), chainDir.toString())
                .redirectErrorStream(true).start();
        final String url;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream()))) {
            url = out.lines().filter(line -> line.startsWith("UP ")).findFirst().orElseThrow().substring(3);
        }
        try {
            assertThatThrownBy(() -> LocalChain.startIn(chainDir, LocalChain.DEFAULT_CHAIN_ID, 0))
                    .hasMessageContaining("in use by another live process");
            final long leftover = Long.parseLong(Files.readString(chainDir.resolve(AnvilProcess.PID_FILE)).trim());
            try (LocalChain attached = LocalChain.attach(url, LocalChain.deploymentIn(chainDir).orElseThrow())) {
                attached.proofManager(attached.admin()).updatePreferredProvingNetwork(LocalChain.FERMAH).send();
            }

            owner.destroyForcibly().waitFor(); // kill -9: the node outlives its owner
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive)).contains(true);

            try (LocalChain adopted = LocalChain.startIn(chainDir, LocalChain.DEFAULT_CHAIN_ID, 0)) {
                assertThat(adopted.rpcUrl()).as("the same node").isEqualTo(url);
                assertThat(adopted.proofManager(adopted.admin()).preferredProvingNetwork().send()).isEqualTo(LocalChain.FERMAH);
            }
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).as("stopped by its new owner").isFalse();
        } finally {
            owner.destroyForcibly();
        }
    }
}
