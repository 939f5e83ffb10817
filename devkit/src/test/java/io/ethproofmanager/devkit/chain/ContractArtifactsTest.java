package io.ethproofmanager.devkit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.chain.contracts.TestUsdc;
import io.ethproofmanager.devkit.chain.contracts.TestVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed contract artifacts and wrappers are what the committed Solidity compiles to (nothing stale). */
class ContractArtifactsTest {

    private static final Duration COMPILE_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> CONTRACTS = List.of("ProofManager", "TestUsdc", "TestVerifier");

    private final Path root = RepositoryRoot.find();

    @Test
    void committedAbiAndBinMatchAFreshSolcJsCompilation(@TempDir final Path out) throws Exception {
        assumeTrue(nodeAvailable(), "node is not on the PATH: cannot recompile the contracts with solc-js");

        compileInto(out);

        for (final String contract : CONTRACTS) {
            for (final String extension : List.of(".abi", ".bin")) {
                assertThat(Files.readString(out.resolve(contract + extension)))
                        .as("contracts/build/%s%s is stale: run scripts/compile-contracts.sh and commit", contract, extension)
                        .isEqualTo(Files.readString(committed(contract + extension)));
            }
        }
    }

    @Test
    void generatedWrappersCarryTheCommittedBytecode() throws IOException {
        assertThat(ProofManager.BINARY)
                .as("ProofManager wrapper is stale: run scripts/compile-contracts.sh and commit")
                .isEqualTo(Files.readString(committed("ProofManager.bin")));
        assertThat(TestUsdc.BINARY)
                .as("TestUsdc wrapper is stale: run scripts/compile-contracts.sh and commit")
                .isEqualTo(Files.readString(committed("TestUsdc.bin")));
        assertThat(TestVerifier.BINARY)
                .as("TestVerifier wrapper is stale: run scripts/compile-contracts.sh and commit")
                .isEqualTo(Files.readString(committed("TestVerifier.bin")));
    }

    private Path committed(final String file) {
        return root.resolve("contracts").resolve("build").resolve(file);
    }

    private void compileInto(final Path out) throws IOException, InterruptedException {
        final Path log = out.resolve("compile.log");
        final Process compile = new ProcessBuilder("node", "scripts/compile-contracts.mjs", out.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!compile.waitFor(COMPILE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            compile.destroyForcibly();
            throw new AssertionError("solc-js did not finish compiling the contracts within " + COMPILE_TIMEOUT.toSeconds()
                    + " s; output: " + Files.readString(log));
        }
        assertThat(compile.exitValue()).as("solc-js compilation failed: %s", Files.readString(log)).isZero();
    }

    private static boolean nodeAvailable() {
        try {
            final Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (final IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
