package io.ethproofmanager.sandbox.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.app.ProofManagerService;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.sandbox.simulate.ManagerJvm;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failover of the L1 log ingester's role: two instances of one deployment, each the production service in a JVM of its
 * own, on an embedded broker and PostgreSQL and an anvil chain of their own, while the bench sends a contract event (an
 * administration call) every 250 ms. Each round {@code kill -9}s the instance holding the ingester's role and times
 * until the other instance's ingester has published (committed) its first event, read from its
 * {@code epm_l1_ingester_events_published_total} every 50 ms; the killed instance is then started again under the same
 * instance id and the next round waits until each role runs on one instance. Every setting is the service's default
 * (role session timeout, L1 poll interval, ...).
 */
final class FailoverBench {

    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final Duration EVENT_INTERVAL = Duration.ofMillis(250);
    private static final Duration METRICS_POLL = Duration.ofMillis(50);
    private static final Pattern PUBLISHED = Pattern.compile("(?m)^epm_l1_ingester_events_published_total\\{[^}]*} ([0-9.eE+-]+)$");

    /** Each round's time from the kill to the first event the new holder published, and the session timeout it ran with. */
    record Result(List<Duration> failovers, Duration roleSessionTimeout) {
    }

    private final Path dir;

    FailoverBench(final Path dir) {
        this.dir = dir;
    }

    Result run(final Config defaults, final int kills) throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("failover-kafka"));
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("failover-postgres"));
                LocalChain chain = LocalChain.startIn(dir.resolve("failover-anvil"), LocalChain.DEFAULT_CHAIN_ID, 0)) {
            final Config shared = sharedSettings(kafka, postgres, chain).withFallback(defaults).resolve();
            final List<Duration> failovers = new ArrayList<>();
            try (ManagerPeers peers = ManagerPeers.start(shared.withOnlyPath("epm"), dir.resolve("failover-instances"),
                    List.of("instance-a", "instance-b"));
                    ContractEvents events = ContractEvents.start(chain)) {
                peers.awaitReady(PATIENCE);
                for (int round = 1; round <= kills; round++) {
                    final Map<String, ManagerJvm> holders = peers.awaitEachRoleHeldOnce(PATIENCE);
                    final ManagerJvm victim = holders.get(ProofManagerService.INGESTER_ROLE);
                    final ManagerJvm survivor = peers.jvms().stream().filter(jvm -> jvm != victim).findFirst().orElseThrow();
                    events.awaitMore(5, PATIENCE);
                    final double before = published(survivor).orElse(0.0);
                    final long killed = System.nanoTime();
                    victim.kill();
                    final Duration failover = awaitFirstPublished(survivor, before, killed);
                    failovers.add(failover);
                    System.out.printf("failover round %d: kill -9 of %s (ingester; readiness checker on %s) -> first event published"
                            + " by %s after %.2f s%n", round, victim.name(),
                            holders.get(ProofManagerService.READINESS_ROLE).name(), survivor.name(), failover.toNanos() / 1e9);
                    System.out.flush();
                    victim.start();
                    if (!victim.awaitReady(PATIENCE)) {
                        throw new IllegalStateException(victim.name() + " was not ready again within " + PATIENCE.toSeconds()
                                + " s after its restart; its log: " + victim.log());
                    }
                }
            }
            return new Result(failovers, shared.getDuration("epm.kafka.role-session-timeout"));
        }
    }

    static void print(final Result result, final PrintStream out) {
        final List<Duration> sorted = result.failovers().stream().sorted().toList();
        if (sorted.isEmpty()) {
            return;
        }
        final Duration p50 = sorted.get((int) Math.ceil(0.5 * sorted.size()) - 1);
        out.printf("%nfailover: kill -9 of the L1 ingester's holder -> first event published by the new holder, 2 instances"
                + " (JVMs), role session timeout %d s, %d kills: p50 %.2f s, max %.2f s, min %.2f s%n",
                result.roleSessionTimeout().toSeconds(), sorted.size(), p50.toNanos() / 1e9,
                sorted.getLast().toNanos() / 1e9, sorted.getFirst().toNanos() / 1e9);
        out.flush();
    }

    private static Config sharedSettings(final EmbeddedKafkaBroker kafka, final EmbeddedPostgresServer postgres,
            final LocalChain chain) {
        final Map<String, Object> settings = new HashMap<>();
        settings.put("epm.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("epm.kafka.application-id", "eth-proof-manager-failover-bench");
        settings.put("epm.database.url", postgres.jdbcUrl());
        settings.put("epm.database.user", postgres.user());
        settings.put("epm.database.password", postgres.password());
        settings.put("epm.database.create-rollup-tables", true);
        settings.put("epm.l1.rpc-url", chain.rpcUrl());
        settings.put("epm.l1.contract-address", chain.proofManagerAddress());
        settings.put("epm.l1.verifier-address", chain.verifierAddress());
        settings.put("epm.l1.submitter-private-key", LocalChain.submitterPrivateKey());
        settings.put("epm.l1.start-block", "0");
        return ConfigFactory.parseMap(settings);
    }

    /** Waits until {@code holder}'s ingester has published more than {@code before} events; the time since {@code from}. */
    private static Duration awaitFirstPublished(final ManagerJvm holder, final double before, final long from)
            throws InterruptedException {
        final long deadline = from + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (published(holder).orElse(0.0) > before) {
                return Duration.ofNanos(System.nanoTime() - from);
            }
            Thread.sleep(METRICS_POLL.toMillis());
        }
        throw new IllegalStateException(holder.name() + " published no event within " + PATIENCE.toSeconds()
                + " s of the kill; its log: " + holder.log());
    }

    /** The events {@code jvm}'s ingester has published (committed) since it started, all types; empty when it does not answer. */
    private static Optional<Double> published(final ManagerJvm jvm) {
        return jvm.get("/metrics").map(text -> {
            double sum = 0;
            final Matcher matcher = PUBLISHED.matcher(text);
            while (matcher.find()) {
                sum += Double.parseDouble(matcher.group(1));
            }
            return sum;
        });
    }

    /** A {@code PreferredProvingNetworkUpdated} event every {@link #EVENT_INTERVAL}, Fermah and Lagrange in turn, from a thread of its own. */
    private static final class ContractEvents implements AutoCloseable {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sent = new AtomicLong();
        private final Thread thread;

        private ContractEvents(final LocalChain chain) {
            thread = Thread.ofPlatform().name("failover-bench-events").daemon().unstarted(() -> {
                while (running.get()) {
                    final BigInteger network = sent.get() % 2 == 0 ? LocalChain.FERMAH : LocalChain.LAGRANGE;
                    try {
                        chain.proofManager(chain.admin()).updatePreferredProvingNetwork(network).send();
                        sent.incrementAndGet();
                        Thread.sleep(EVENT_INTERVAL.toMillis());
                    } catch (final InterruptedException e) {
                        return;
                    } catch (final Exception e) {
                        if (running.get()) {
                            System.err.println("failover bench: an administration call failed: " + e.getMessage());
                        }
                    }
                }
            });
        }

        static ContractEvents start(final LocalChain chain) {
            final ContractEvents events = new ContractEvents(chain);
            events.thread.start();
            return events;
        }

        /** Waits until {@code count} more events were sent (mined). */
        void awaitMore(final int count, final Duration timeout) throws InterruptedException {
            final long target = sent.get() + count;
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (sent.get() < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bench's administration calls stopped: " + sent.get() + " sent");
                }
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(10_000);
        }
    }
}
