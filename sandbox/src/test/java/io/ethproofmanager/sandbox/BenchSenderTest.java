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
 * {@code bench --only sender} through the real command line, small: the raw loop and the sender's three runs (1 and 2
 * lanes at the bench's max-in-flight, 2 lanes at the default) each get every request mined and print their figures; so
 * do the whole pipeline's runs (1 and 2 lanes), every batch requested.
 */
class BenchSenderTest {

    private static final Pattern RUN = Pattern.compile("(.+?)\\s+(\\d+) batches in +[0-9.]+ s: +(\\d+) blocks, +([0-9.]+) tx/block"
            + " \\( *[0-9.]+ a lane\\), +([0-9.]+) batches/min \\( *([0-9.]+) % of the raw loop\\), command produced -> request"
            + " mined p50 +(\\d+) ms, p99 +(\\d+) ms");

    private static final Pattern PIPELINE = Pattern.compile("(.+?)\\s+6 batches \\((\\d+) requests on L1\\) in +[0-9.]+ s: .*"
            + " ready -> request_sent_to_l1 p50 +(\\d+) ms, p99 +(\\d+) ms");

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theSenderBenchRunsEveryRequestThroughEachRunAndPrintsItsFigures() {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final int exitCode;
        try {
            exitCode = SandboxMain.commandLine().execute("bench", "--only", "sender", "--sender-requests", "12",
                    "--sender-max-in-flight", "6", "--sender-pipeline-batches", "6");
        } finally {
            System.setOut(original);
        }
        final String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out.lines().filter(line -> !line.contains(" INFO ")).reduce("", (a, b) -> a + b + "\n"));

        assertThat(exitCode).isZero();
        final Matcher run = RUN.matcher(out);
        final java.util.List<String> names = new java.util.ArrayList<>();
        while (run.find()) {
            names.add(run.group(1).trim());
            assertThat(run.group(2)).as("every request mined in %s", run.group(1)).isEqualTo("12");
            assertThat(Integer.parseInt(run.group(3))).isPositive();
            assertThat(Long.parseLong(run.group(8))).isGreaterThanOrEqualTo(Long.parseLong(run.group(7)));
        }
        assertThat(names).containsExactly("raw web3j loop, one account, pipelined", "1 lane(s), max-in-flight 6: L1 sender",
                "2 lane(s), max-in-flight 6: L1 sender", "2 lane(s), max-in-flight 16: L1 sender");
        final Matcher pipeline = PIPELINE.matcher(out);
        final java.util.List<String> pipelines = new java.util.ArrayList<>();
        while (pipeline.find()) {
            pipelines.add(pipeline.group(1).trim());
            assertThat(pipeline.group(2)).as("every batch requested in %s", pipeline.group(1)).isEqualTo("6");
            assertThat(Long.parseLong(pipeline.group(4))).isGreaterThanOrEqualTo(Long.parseLong(pipeline.group(3)));
        }
        assertThat(pipelines).containsExactly("1 lane(s), max-in-flight 6: whole pipeline", "2 lane(s), max-in-flight 6: whole pipeline");
    }
}
