package io.ethproofmanager.sandbox.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short seeded simulation: 100 batches, every fault kind at least once, the manager in a JVM of its own; the oracle
 * finds no violation and every batch final. A failure prints the report (replay with the command it names).
 */
class SimulationTest {

    @TempDir
    Path dir;

    @Test
    void aHundredBatchesUnderEveryFaultKindEndWithoutViolation() throws Exception {
        final Simulation.Options options = new Simulation.Options(100, 7, FaultKind.parse("all"), Duration.ofMinutes(8),
                Optional.of(dir), Optional.empty(), "valid=6,invalid=1,wrongVersion=1,late=1,refuse=1,silent=1,ignore=1,claimEvery=3,claimInterval=20",
                20, 1.5, 1, "fermah", Duration.ofSeconds(600), Duration.ofSeconds(60));
        final ByteArrayOutputStream report = new ByteArrayOutputStream();
        final Simulation.Result result;
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            result = Simulation.run(options, out);
        }
        final String text = report.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        assertThat(result.injected().keySet()).as(text).containsExactlyInAnyOrder(FaultKind.values());
        assertThat(result.restarts()).as(text).isPositive();
        assertThat(result.readyAfterKill()).as(text).hasSize(result.injected().get(FaultKind.MANAGER_KILL));
        // the contract refuses late proofs; one may land when a reorg moved its request (and so its deadline) meanwhile
        assertThat(result.lateProofsRefused()).as("the late proof path is exercised: " + text).isPositive()
                .isLessThanOrEqualTo(result.lateProofs());
        assertThat(result.verdict().violations()).as(text).isEmpty();
        assertThat(result.finished()).as(text).isTrue();
        assertThat(result.exitCode()).isZero();
    }
}
