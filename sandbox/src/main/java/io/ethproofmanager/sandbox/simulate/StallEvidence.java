package io.ethproofmanager.sandbox.simulate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;

/**
 * What a restarted manager that never became ready leaves for the one who replays its seed: the broker's transactions
 * that are not complete (a transaction left open or hanging keeps a read_committed consumer from its committed
 * offsets), the consumer groups' states, and the manager JVM's threads. Written next to the manager's log.
 */
final class StallEvidence {

    private static final long TIMEOUT_SECONDS = 15;

    private StallEvidence() {
    }

    /** Writes the evidence to {@code file} and returns it; what cannot be gathered is said in the file instead. */
    static Path capture(final Path file, final Optional<String> bootstrapServers, final Optional<Long> pid) {
        final List<String> lines = new ArrayList<>();
        lines.add("stall evidence at " + Instant.now());
        bootstrapServers.ifPresentOrElse(servers -> lines.addAll(broker(servers)), () -> lines.add("no broker to ask"));
        pid.ifPresentOrElse(p -> lines.addAll(threads(p)), () -> lines.add("no manager process to dump"));
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException("cannot write the stall evidence " + file, e);
        }
        return file;
    }

    private static List<String> broker(final String bootstrapServers) {
        final List<String> lines = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            final List<String> open = new ArrayList<>();
            for (final TransactionListing listing : admin.listTransactions().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                if (listing.state() != TransactionState.COMPLETE_COMMIT && listing.state() != TransactionState.COMPLETE_ABORT
                        && listing.state() != TransactionState.EMPTY) {
                    open.add(listing.transactionalId());
                }
            }
            lines.add("transactions not complete: " + open.size());
            if (!open.isEmpty()) {
                for (final Map.Entry<String, TransactionDescription> described
                        : admin.describeTransactions(open).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet()) {
                    lines.add("  " + described.getKey() + ": " + described.getValue());
                }
            }
            admin.listGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach(group -> lines.add("group " + group.groupId() + ": " + group.groupState().map(Object::toString).orElse("?")));
        } catch (final Exception e) {
            lines.add("cannot ask the broker at " + bootstrapServers + ": " + e);
        }
        return lines;
    }

    private static List<String> threads(final long pid) {
        final List<String> lines = new ArrayList<>();
        lines.add("threads of manager pid " + pid + ":");
        Path dump = null;
        try {
            dump = Files.createTempFile("epm-sim-threads-", ".txt");
            final Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "Thread.print").redirectErrorStream(true).redirectOutput(dump.toFile()).start();
            if (!jcmd.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                lines.add("jcmd gave no thread dump within " + TIMEOUT_SECONDS + " s");
            }
            lines.add(Files.readString(dump, StandardCharsets.UTF_8));
        } catch (final IOException e) {
            lines.add("cannot run jcmd: " + e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            lines.add("interrupted while dumping the threads");
        } finally {
            if (dump != null) {
                try {
                    Files.deleteIfExists(dump);
                } catch (final IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
        return lines;
    }
}
