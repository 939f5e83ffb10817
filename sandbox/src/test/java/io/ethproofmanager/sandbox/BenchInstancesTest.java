package io.ethproofmanager.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bench --only failover,instances} through the real command line, once and small: a kill -9 of the L1 ingester's
 * holder among two production JVMs, whose role the other one takes and publishes from; the demo on one and on two
 * instances, every batch final on both.
 */
class BenchInstancesTest {

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void failoverAndInstancesRunAndPrintTheirFigures() {
        final String out = captureStdout(() -> SandboxMain.commandLine().execute("bench", "--only", "failover,instances",
                "--failover-kills", "1", "--instances", "1,2", "--demo-batches", "3", "--networks", "valid=1,refuse=1",
                "--seed", "7"));

        assertThat(out).contains("exit code 0");
        final Matcher round = Pattern.compile("failover round 1: kill -9 of (instance-[ab]) \\(ingester; readiness checker on "
                + "instance-[ab]\\) -> first event published by (instance-[ab]) after ([0-9.]+) s").matcher(out);
        assertThat(round.find()).as("the failover round in the output").isTrue();
        assertThat(round.group(2)).as("the new holder is the other instance").isNotEqualTo(round.group(1));
        final Matcher summary = Pattern.compile("role session timeout 10 s, 1 kills: p50 ([0-9.]+) s, max ([0-9.]+) s")
                .matcher(out);
        assertThat(summary.find()).as("the failover summary in the output").isTrue();
        assertThat(summary.group(1)).isEqualTo(round.group(3)).isEqualTo(summary.group(2));
        assertThat(out).contains("demo end to end: 3 batches", "demo end to end on 2 instances (1 in this JVM, 1 in JVMs of their own)")
                .containsPattern("  1 instance\\(s\\): 3 batches, [0-9.]+ s, [0-9.]+ batches/s")
                .containsPattern("  2 instance\\(s\\): 3 batches, [0-9.]+ s, [0-9.]+ batches/s")
                .doesNotContain("NOT every batch");
    }

    private static String captureStdout(final java.util.function.IntSupplier run) {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int exitCode = -1;
        try {
            exitCode = run.getAsInt();
        } finally {
            System.setOut(original);
        }
        final String out = bytes.toString(StandardCharsets.UTF_8) + "\nexit code " + exitCode + "\n";
        System.out.print(out.lines().filter(line -> !line.contains(" INFO ")).reduce("", (a, b) -> a + b + "\n"));
        return out;
    }
}
