package io.ethproofmanager.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The thread plumbing of a consumer service, without a broker: start once, health flag, stop in time or by force. */
class ConsumerServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ConsumerService service(final Duration closeTimeout) {
        return new ConsumerService("test service", "epm-consumer-service-test", "127.0.0.1:1", "group", "topic",
                closeTimeout, LoggerFactory.getLogger(ConsumerServiceTest.class));
    }

    @Test
    @Timeout(30)
    void runsTheLoopOnItsNamedThreadUntilCloseAndIsRunningMeanwhile() {
        final ConsumerService service = service(Duration.ofSeconds(10));
        assertThat(service.isRunning()).as("before start").isFalse();
        final CountDownLatch entered = new CountDownLatch(1);
        final String[] threadName = new String[1];
        service.start(() -> {
            threadName[0] = Thread.currentThread().getName();
            entered.countDown();
            while (!service.isClosing()) {
                service.awaitClosing(Duration.ofMinutes(1));
            }
        });
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        assertThat(service.isRunning()).isTrue();
        assertThat(threadName[0]).isEqualTo("epm-consumer-service-test");

        final long began = System.nanoTime();
        service.close();

        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("the backoff ends at close").isLessThan(Duration.ofSeconds(5));
        assertThat(service.isRunning()).as("after close").isFalse();
        assertThat(service.closing().getCount()).isZero();
    }

    @Test
    void startsOnce() {
        final ConsumerService service = service(Duration.ofSeconds(1));
        service.start(() -> { });
        assertThatThrownBy(() -> service.start(() -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test service of group group was already started");
        service.close();
    }

    @Test
    @Timeout(30)
    void aLoopThatDoesNotStopInTimeIsInterrupted() {
        final ConsumerService service = service(Duration.ofMillis(200));
        final CountDownLatch interrupted = new CountDownLatch(1);
        service.start(() -> {
            try {
                new CountDownLatch(1).await(1, TimeUnit.MINUTES); // deaf to closing
            } catch (final InterruptedException e) {
                interrupted.countDown();
            }
        });
        await().atMost(WAIT).until(service::isRunning);

        service.close();

        assertThat(interrupted.getCount()).as("interrupted after the close timeout").isZero();
        assertThat(service.isRunning()).isFalse();
    }

    @Test
    @Timeout(30)
    void aLoopThatFailsIsStartedAgainAfterABackoffAndNotWhenClosing() throws InterruptedException {
        final ConsumerService service = service(Duration.ofSeconds(1));
        final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        final CountDownLatch third = new CountDownLatch(1);
        service.start(() -> {
            if (runs.incrementAndGet() < 3) {
                throw new IllegalStateException("broken, run " + runs.get());
            }
            third.countDown();
            service.awaitClosing(Duration.ofMinutes(1));
        });

        assertThat(third.await(10, TimeUnit.SECONDS)).as("run 3 after two failures (1 s, then 2 s of backoff)").isTrue();
        assertThat(service.restarts()).isEqualTo(2);
        await().atMost(WAIT).until(service::isRunning);

        service.close();
        assertThat(service.isRunning()).isFalse();
        assertThat(runs).hasValue(3);
    }

    @Test
    @Timeout(30)
    void aServiceClosedDuringTheBackoffIsNotStartedAgain() {
        final ConsumerService service = service(Duration.ofSeconds(1));
        final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        service.start(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("broken");
        });
        await().atMost(WAIT).until(() -> !service.isRunning());

        service.close();

        assertThat(service.isRunning()).isFalse();
        assertThat(runs).hasValue(1);
    }
}
