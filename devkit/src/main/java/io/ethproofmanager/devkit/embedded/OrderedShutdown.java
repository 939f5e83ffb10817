package io.ethproofmanager.devkit.embedded;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last-resort JVM shutdown hooks for the servers and child processes this JVM starts (PostgreSQL, anvil), which would
 * outlive it otherwise. The JVM starts every shutdown hook at once, so a server's own hook would stop it under the
 * components still closing in the application's hook. While an application has declared that it stops them itself, in
 * order ({@link #declareOwner}), these hooks wait until it has finished (at most {@link #OWNER_TIMEOUT}) and then stop
 * only what it left running.
 */
public final class OrderedShutdown {

    /** The longest a last-resort hook waits for the owners' own shutdown. */
    public static final Duration OWNER_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(OrderedShutdown.class);
    private static final Set<Owner> OWNERS = ConcurrentHashMap.newKeySet();

    private OrderedShutdown() {
    }

    /**
     * Declares that the caller stops the embedded servers itself when the JVM exits (typically in its own shutdown hook):
     * last-resort hooks wait for {@link Owner#finished()}.
     */
    public static Owner declareOwner(final String name) {
        final Owner owner = new Owner(Objects.requireNonNull(name, "name"));
        OWNERS.add(owner);
        return owner;
    }

    /** Registers {@code stop} to run when the JVM exits, after every declared owner has finished. */
    public static Hook lastResort(final String name, final Runnable stop) {
        Objects.requireNonNull(stop, "stop");
        final Thread thread = new Thread(() -> {
            awaitOwners(name);
            stop.run();
        }, Objects.requireNonNull(name, "name"));
        Runtime.getRuntime().addShutdownHook(thread);
        return new Hook(thread);
    }

    private static void awaitOwners(final String hook) {
        final long deadline = System.nanoTime() + OWNER_TIMEOUT.toNanos();
        for (final Owner owner : OWNERS) {
            try {
                if (!owner.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("{}: {} has not finished its shutdown within {} s; stopping anyway", hook, owner.name,
                            OWNER_TIMEOUT.toSeconds());
                    return;
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** An application that stops the embedded servers itself, in order. */
    public static final class Owner {

        private final String name;
        private final CountDownLatch done = new CountDownLatch(1);

        private Owner(final String name) {
            this.name = name;
        }

        /** Its shutdown is over: the last-resort hooks may stop what is left. Idempotent. */
        public void finished() {
            done.countDown();
        }
    }

    /** A registered last-resort hook. */
    public static final class Hook {

        private final Thread thread;

        private Hook(final Thread thread) {
            this.thread = thread;
        }

        /** Unregisters the hook once its server has stopped normally; a no-op while the JVM is already shutting down. */
        public void remove() {
            try {
                Runtime.getRuntime().removeShutdownHook(thread);
            } catch (final IllegalStateException shuttingDown) {
                // the hook runs, or is running this very call; it finds its server stopped
            }
        }
    }
}
