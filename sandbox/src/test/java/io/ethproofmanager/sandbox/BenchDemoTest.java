package io.ethproofmanager.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code bench --only demo}: the manager's demo end to end through the real command line, and its options. */
class BenchDemoTest {

    @Test
    void theBenchsDemoOptionsDefaultToTheManagersDemoOptions() {
        final CommandLine main = SandboxMain.commandLine();
        final CommandLine bench = main.getSubcommands().get("bench");

        for (final String option : List.of("--networks", "--seed", "--chain-speed", "--demo-proof-timeout")) {
            assertThat(bench.getCommandSpec().findOption(option).defaultValue()).as(option)
                    .isEqualTo(main.getCommandSpec().findOption(option).defaultValue());
        }
        assertThat(bench.getCommandSpec().findOption("--demo-batches").defaultValue()).isEqualTo("100");
    }

    @Test
    void anUnknownMeasurementIsAUsageError() {
        final CommandLine commandLine = SandboxMain.commandLine();
        commandLine.setErr(new java.io.PrintWriter(new java.io.StringWriter()));

        assertThat(commandLine.execute("bench", "--only", "demo,everything")).isEqualTo(2);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void onlyDemoRunsTheDemoEndToEndAndPrintsItsFigures() {
        final String out = captureStdout(() -> SandboxMain.commandLine().execute("bench", "--only", "demo", "--demo-batches", "4",
                "--networks", "valid=1,refuse=1", "--seed", "7"));

        assertThat(out).contains("exit code 0");
        assertThat(out).contains("demo end to end: 4 batches, networks valid=1,refuse=1, seed 7, chain speed 20, proof timeout 600 s\n");
        assertThat(out).doesNotContain("records/s"); // no throughput or chain table
        assertThat(number(out, "service start-up \\(embedded Kafka, PostgreSQL, anvil\\) +([0-9.]+) s")).isPositive();
        assertThat(number(out, "wall: seeding -> last batch final \\(status topic\\) +([0-9.]+) s")).isPositive();
        assertThat(number(out, "s +([0-9.]+) batches/s")).isPositive();
        final int validated = (int) number(out, "\n    validation_result_sent_to_l1 +([0-9]+)");
        final int fallenBack = (int) number(out, "\n    fallen_back +([0-9]+)");
        assertThat(validated + fallenBack).isEqualTo(4);
        assertThat((int) number(out, "\n    total +([0-9]+)")).isEqualTo(4);
        assertThat(out).containsPattern("ready -> any final status +4 batches  p50 +[0-9.]+ s  p99 +[0-9.]+ s  max +[0-9.]+ s");
        if (validated > 0) {
            assertThat(out).containsPattern("ready -> validation result on L1 +" + validated + " batches  p50 +[0-9.]+ s  p99 +[0-9.]+ s");
        }
    }

    private static double number(final String text, final String regex) {
        final Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("/%s/ in the output", regex).isTrue();
        return Double.parseDouble(matcher.group(1));
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
