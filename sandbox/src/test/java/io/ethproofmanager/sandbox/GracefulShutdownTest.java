package io.ethproofmanager.sandbox;

import io.ethproofmanager.connectors.testing.ManagerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real manager on embedded defaults (the sandbox, as ./run.sh runs it) in a JVM of its own, stopped with SIGTERM as a container runtime or a service
 * manager stops it: every component stops before the database and the chain it uses, and nothing complains on the way.
 */
class GracefulShutdownTest {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(40);
    private static final Pattern ANVIL_URL = Pattern.compile("anvil up on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern POSTGRES_PORT = Pattern.compile("embedded PostgreSQL up on port (\\d+)");

    @TempDir
    Path dir;

    private ManagerProcess manager;

    @AfterEach
    void killLeftover() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void sigtermStopsEveryComponentBeforeTheDatabaseAndTheChainWithoutConnectionErrors() throws Exception {
        manager = ManagerProcess.start(SandboxMain.class, List.of(), Map.of(
                "EPM_DATA_DIR", dir.resolve("data").toString(),
                "EPM_SANDBOX_ANVIL_PORT", "0",
                "EPM_READINESS_POLL_INTERVAL", "100ms"), dir.resolve("manager.log")).awaitReady(READY_TIMEOUT);

        if (!manager.terminate(EXIT_TIMEOUT)) {
            fail("the manager did not exit within " + EXIT_TIMEOUT.toSeconds() + " s of SIGTERM; its output:%n%s", manager.output());
        }
        final List<String> lines = Files.readAllLines(manager.log(), StandardCharsets.UTF_8);
        final int shuttingDown = indexOf(lines, l -> l.contains("shutting down"));
        final int readinessChecker = indexOf(lines, l -> l.contains("readiness checker for chain") && l.contains("closed"));
        final int sender = indexOf(lines, l -> l.contains("L1 sender of group") && l.contains("stopped"));
        final int sink = indexOf(lines, l -> l.contains("Postgres sink of group") && l.contains("stopped"));
        final int broker = indexOf(lines, l -> l.contains("embedded Kafka broker on") && l.contains("stopped"));
        final int postgres = indexOf(lines, l -> l.contains("embedded PostgreSQL on port") && l.contains("stopped"));
        final int anvil = indexOf(lines, l -> l.contains("anvil on port") && l.contains("stopped"));
        final String output = String.join("\n", lines);
        System.out.println("the manager's shutdown:\n" + String.join("\n", lines.subList(Math.max(0, shuttingDown), lines.size())));
        assertThat(List.of(shuttingDown, readinessChecker, sender, sink, broker, postgres, anvil))
                .as("every stop is logged; output:%n%s", output).doesNotContain(-1);
        assertThat(postgres).as("PostgreSQL stops after the readiness checker, the L1 sender and the sink; output:%n%s", output)
                .isGreaterThan(readinessChecker).isGreaterThan(sender).isGreaterThan(sink);
        assertThat(broker).as("the broker stops after its clients, before PostgreSQL").isGreaterThan(sink).isLessThan(postgres);
        assertThat(anvil).as("the chain stops last").isGreaterThan(postgres);
        assertThat(problemsDuringShutdown(lines.subList(shuttingDown, lines.size())))
                .as("WARN or ERROR lines after 'shutting down'").isEmpty();
        assertThat(listening(port(POSTGRES_PORT, output))).as("PostgreSQL still listening after the JVM exited").isFalse();
        assertThat(listening(port(ANVIL_URL, output))).as("anvil still listening after the JVM exited").isFalse();
    }

    /**
     * WARN and ERROR lines, and the closed-connection complaints that may come without a level; but for the KRaft broker
     * warning that its own controller channel is closed twice while it stops, which concerns no client of ours.
     */
    private static List<String> problemsDuringShutdown(final List<String> lines) {
        final List<String> problems = new ArrayList<>();
        for (final String line : lines) {
            final String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (line.contains("[NodeToControllerChannelManager id=1 name=")
                    && line.contains("Attempting to close NetworkClient that has already been closed")) {
                continue;
            }
            if (line.contains(" WARN ") || line.contains(" ERROR ") || lower.contains("connection refused")
                    || lower.contains("terminating connection") || lower.contains("connection has been closed")
                    || lower.contains("this connection has been closed")) {
                problems.add(line);
            }
        }
        return problems;
    }

    private static int indexOf(final List<String> lines, final Predicate<String> match) {
        for (int i = 0; i < lines.size(); i++) {
            if (match.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int port(final Pattern pattern, final String output) {
        final Matcher matcher = pattern.matcher(output);
        assertThat(matcher.find()).as("%s in the output", pattern).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static boolean listening(final int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (final IOException refused) {
            return false;
        }
    }
}
