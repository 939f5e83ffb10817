package io.ethproofmanager.connectors.source.l1;

import io.reactivex.disposables.Disposable;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.websocket.WebSocketClient;
import org.web3j.protocol.websocket.WebSocketService;

/**
 * Wakes the ingester when the node announces a new block: an {@code eth_subscribe("newHeads")} subscription over
 * WebSocket on the RPC URL's host, port and path ({@code http} becomes {@code ws}, {@code https} {@code wss}), where the
 * node offers one (anvil does, on its one port). Without it the ingester polls at its interval as before; a subscription
 * that drops is tried again every {@value #RECONNECT_SECONDS} s. The subscription only says when to look: every read still
 * goes over JSON-RPC, checks reorgs and commits as before, so a missed or extra notification changes nothing but when.
 */
final class NewHeads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NewHeads.class);
    static final long RECONNECT_SECONDS = 30;
    private static final String THREAD_NAME = "epm-l1-new-heads";

    private final Semaphore announced = new Semaphore(0);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Optional<URI> url;
    private final Optional<Thread> thread;
    private volatile boolean subscribed;

    private NewHeads(final Optional<URI> url) {
        this.url = url;
        this.thread = url.map(uri -> {
            final Thread t = new Thread(() -> subscribeWhileOpen(uri), THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        thread.ifPresent(Thread::start);
    }

    /** Subscribes to the new heads of the node at {@code rpcUrl} when it offers WebSocket there, in the background. */
    static NewHeads of(final String rpcUrl) {
        return new NewHeads(webSocketUrl(rpcUrl));
    }

    /** No subscription: {@link #await} only waits out its time (or a {@link #wake}). */
    static NewHeads none() {
        return new NewHeads(Optional.empty());
    }

    /** The WebSocket URL beside {@code rpcUrl}: the same host, port and path with {@code ws} or {@code wss}. */
    static Optional<URI> webSocketUrl(final String rpcUrl) {
        try {
            final URI uri = URI.create(rpcUrl.trim());
            final String scheme = Optional.ofNullable(uri.getScheme()).map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
            final String ws = switch (scheme) {
                case "http", "ws" -> "ws";
                case "https", "wss" -> "wss";
                default -> "";
            };
            return ws.isEmpty() || uri.getHost() == null ? Optional.empty()
                    : Optional.of(new URI(ws, uri.getRawUserInfo(), uri.getHost(), uri.getPort(), uri.getRawPath(), uri.getRawQuery(), null));
        } catch (final IllegalArgumentException | java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** True while a subscription is open. */
    boolean subscribed() {
        return subscribed;
    }

    /**
     * Waits until the node announces a block or {@code timeout} passes (or {@link #wake} or {@link #close} is called);
     * announcements made since the last wait end it at once.
     */
    void await(final Duration timeout) throws InterruptedException {
        if (announced.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            announced.drainPermits();
        }
    }

    /** Ends the current or next {@link #await} at once. */
    void wake() {
        announced.release();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closing.countDown();
            wake();
            thread.ifPresent(t -> {
                t.interrupt();
                try {
                    t.join(5_000);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    private void subscribeWhileOpen(final URI uri) {
        boolean reported = false;
        while (!closed.get()) {
            final WebSocketService service = new WebSocketService(new WebSocketClient(uri), false);
            Web3j web3j = null;
            try {
                service.connect();
                web3j = Web3j.build(service);
                final CountDownLatch ended = new CountDownLatch(1);
                final Disposable subscription = web3j.newHeadsNotifications().subscribe(
                        head -> announced.release(),
                        failure -> {
                            if (!closed.get()) {
                                LOG.info("L1 new-heads subscription on {} ended: {}; polling until it is back", uri, failure.toString());
                            }
                            ended.countDown();
                        },
                        ended::countDown);
                subscribed = true;
                reported = false;
                LOG.info("L1 ingester wakes on new heads announced over {} (eth_subscribe), besides its poll interval", uri);
                while (!closed.get() && ended.getCount() > 0) {
                    ended.await(1, TimeUnit.SECONDS);
                }
                subscription.dispose();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (final Exception e) {
                if (!reported) {
                    LOG.info("no L1 new-heads subscription on {} ({}); the ingester polls at its interval and tries again every {} s",
                            uri, e.toString(), RECONNECT_SECONDS);
                    reported = true;
                }
            } finally {
                subscribed = false;
                if (web3j != null) {
                    web3j.shutdown();
                } else {
                    service.close();
                }
            }
            try {
                closing.await(RECONNECT_SECONDS, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
