package io.ethproofmanager.sandbox.simulate;

import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link FaultSchedule}: one lane (thread) per target ({@link FaultKind#target()}), each applying its faults one
 * after the other at their times from the start (later when the previous one on that target took longer) and undoing
 * each after its duration, the lanes side by side so that faults on different targets overlap. Each lane draws its
 * random choices (which manager to kill, which transactions a reorg moves) from its own generator derived from the seed.
 * {@link #restoreAll()} puts everything back at the end of the run.
 */
final class FaultInjector implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

    /** What faults act on. */
    record Targets(List<ManagerJvm> managers, RpcProxy proxy, ChainControl chain, Optional<EmbeddedKafkaBroker> broker,
            Optional<EmbeddedPostgresServer> postgres, PublicBlobStoreSwitch publicBlobs, String bootstrapServers) {
    }

    private final FaultSchedule schedule;
    private final Targets targets;
    private final Map<FaultKind, Integer> injected;
    private final List<String> log;
    private final AtomicBoolean stopping;
    private final Duration readyTimeout;
    private final long seed;
    private final List<Double> readyTimes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    FaultInjector(final FaultSchedule schedule, final Targets targets, final long seed, final Map<FaultKind, Integer> injected,
            final List<String> log, final AtomicBoolean stopping, final Duration readyTimeout) {
        this.schedule = schedule;
        this.targets = targets;
        this.seed = seed;
        this.injected = injected;
        this.log = log;
        this.stopping = stopping;
        this.readyTimeout = readyTimeout;
    }

    /** Runs every target's lane and returns when all are done (or stopped). */
    @Override
    public void run() {
        final long start = System.nanoTime();
        final Map<String, List<FaultSchedule.Fault>> lanes = new java.util.TreeMap<>();
        schedule.faults().forEach(f -> lanes.computeIfAbsent(f.kind().target(), t -> new java.util.ArrayList<>()).add(f));
        final List<Thread> threads = new java.util.ArrayList<>();
        lanes.forEach((target, faults) -> {
            final Random random = new Random(seed ^ 0x5DEECE66DL ^ target.hashCode());
            final Thread lane = new Thread(() -> runLane(faults, start, random), "epm-sim-faults-" + target);
            lane.setDaemon(true);
            lane.start();
            threads.add(lane);
        });
        try {
            for (final Thread lane : threads) {
                lane.join();
            }
        } catch (final InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
    }

    private void runLane(final List<FaultSchedule.Fault> faults, final long start, final Random random) {
        for (final FaultSchedule.Fault fault : faults) {
            try {
                final long wait = start + fault.at().toNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
                if (stopping.get()) {
                    return;
                }
                final long began = System.nanoTime();
                final String outcome = apply(fault, random);
                injected.merge(fault.kind(), 1, Integer::sum);
                final String line = String.format("#%d at %.1f s: %s: %s (%.1f s)", fault.index(), (began - start) / 1e9,
                        fault.describe(), outcome, (System.nanoTime() - began) / 1e9);
                log.add(line);
                LOG.info("simulation fault {}", line);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (final RuntimeException e) {
                log.add("#" + fault.index() + " " + fault.describe() + ": FAILED to inject: " + e);
                LOG.warn("simulation: fault {} could not be injected", fault, e);
            }
        }
    }

    private String apply(final FaultSchedule.Fault fault, final Random random) throws InterruptedException {
        return switch (fault.kind()) {
            case MANAGER_KILL -> killAndRestart(fault, random);
            case RPC_FAIL -> proxyFor(RpcProxy.Mode.FAIL, fault);
            case RPC_TIMEOUT -> proxyFor(RpcProxy.Mode.TIMEOUT, fault);
            case RPC_SLOW -> {
                targets.proxy().slowBy(Duration.ofMillis(fault.size()));
                yield proxyFor(RpcProxy.Mode.SLOW, fault);
            }
            case RPC_DROP -> proxyFor(RpcProxy.Mode.DROP, fault);
            case RPC_RANGE_LIMIT -> proxyFor(RpcProxy.Mode.RANGE_LIMIT, fault);
            case REORG -> {
                // blocks with transactions in them, when some come within 10 s: a reorg that moves events
                int moved = -1;
                for (int tries = 0; moved < 0 && tries < 20; tries++) {
                    moved = targets.chain().reorg((int) fault.size(), random, false);
                    if (moved < 0) {
                        Thread.sleep(500);
                    }
                }
                final int done = moved < 0 ? targets.chain().reorg((int) fault.size(), random) : moved;
                yield done < 0 ? "no reorg: transactions were pending at every try" : "moved " + done + " transactions";
            }
            case FEE_SPIKE -> {
                final BigInteger before = targets.chain().baseFee();
                targets.chain().spike(BigInteger.valueOf(fault.size()));
                try {
                    Thread.sleep(fault.duration());
                } finally {
                    targets.chain().endSpike(before);
                }
                yield "base fee " + before + " -> " + fault.size() + " -> " + before + " wei";
            }
            case BROKER_STOP -> {
                final EmbeddedKafkaBroker broker = targets.broker().orElseThrow();
                broker.stop();
                try {
                    Thread.sleep(fault.duration());
                } finally {
                    broker.start();
                }
                yield "broker stopped and started";
            }
            case POSTGRES_STOP -> {
                final EmbeddedPostgresServer postgres = targets.postgres().orElseThrow();
                postgres.stop();
                try {
                    Thread.sleep(fault.duration());
                } finally {
                    postgres.start();
                }
                yield "PostgreSQL stopped and started";
            }
            case BLOB_WRITE_FAILURE -> {
                targets.publicBlobs().breakWrites();
                try {
                    Thread.sleep(fault.duration());
                } finally {
                    targets.publicBlobs().repair();
                }
                yield "public blob store unwritable, then repaired";
            }
        };
    }

    /**
     * Kills a manager and starts it again; a start that exits before it is ready (a server it needs is stopped by an
     * overlapping fault) is followed by another, until it is ready or the ready timeout passes.
     */
    private String killAndRestart(final FaultSchedule.Fault fault, final Random random) throws InterruptedException {
        final ManagerJvm manager = targets.managers().get(random.nextInt(targets.managers().size()));
        final long pid = manager.pid().orElse(-1L);
        manager.kill();
        Thread.sleep(fault.duration());
        final long restarted = System.nanoTime();
        final long deadline = restarted + readyTimeout.toNanos();
        int starts = 0;
        boolean ready = false;
        while (!ready && System.nanoTime() < deadline && !stopping.get()) {
            if (starts > 0) {
                Thread.sleep(1_000);
            }
            manager.start();
            starts++;
            ready = manager.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        final double seconds = (System.nanoTime() - restarted) / 1e9;
        String evidence = "";
        if (ready) {
            readyTimes.add(seconds);
        } else {
            final Path file = manager.log().resolveSibling(manager.name() + "-stall-fault-" + fault.index() + ".txt");
            evidence = "; evidence in " + StallEvidence.capture(file, Optional.of(targets.bootstrapServers()), manager.pid());
        }
        return String.format("%s (pid %d) killed; %s %.1f s after its restart%s%s", manager.name(), pid,
                ready ? "ready again" : "NOT ready", seconds, starts > 1 ? " (" + starts + " starts)" : "", evidence);
    }

    /** Seconds from each restart after a kill until the manager was ready again. */
    List<Double> readyTimes() {
        return List.copyOf(readyTimes);
    }

    private String proxyFor(final RpcProxy.Mode mode, final FaultSchedule.Fault fault) throws InterruptedException {
        final long disturbed = targets.proxy().disturbed();
        targets.proxy().mode(mode);
        try {
            Thread.sleep(fault.duration());
        } finally {
            targets.proxy().mode(RpcProxy.Mode.PASS);
        }
        return (targets.proxy().disturbed() - disturbed) + " requests disturbed";
    }

    /** Undoes whatever a fault left: the proxy passes, the base fee is free, the servers run, the blob store is writable. */
    void restoreAll() {
        targets.proxy().mode(RpcProxy.Mode.PASS);
        targets.broker().filter(b -> !b.isRunning()).ifPresent(EmbeddedKafkaBroker::start);
        try {
            targets.postgres().ifPresent(p -> {
                try (var c = p.dataSource().getConnection()) {
                    c.isValid(2);
                } catch (final Exception down) {
                    p.start();
                }
            });
        } catch (final RuntimeException e) {
            LOG.warn("simulation: cannot restart PostgreSQL: {}", e.toString());
        }
        targets.publicBlobs().repair();
    }
}
