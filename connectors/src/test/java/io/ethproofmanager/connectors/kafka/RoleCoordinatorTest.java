package io.ethproofmanager.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.kafka.RoleCoordinator.Role;
import io.ethproofmanager.connectors.kafka.RoleCoordinator.RoleComponent;
import io.ethproofmanager.connectors.kafka.RoleCoordinator.RoleState;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two coordinators of one group on a real broker, with stand-in components that count how many of each role run at once:
 * each role runs on exactly one, a holder that leaves or dies hands its roles over (within the session timeout when it
 * dies), and a component that stops on its own is restarted by its holder.
 */
class RoleCoordinatorTest {

    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final List<String> ROLES = List.of("readiness-checker", "l1-ingester");

    private final String group = "roles-test-" + UUID.randomUUID();
    private final String topic = "test.source-roles." + UUID.randomUUID();
    private final Map<String, AtomicInteger> runningNow = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> mostAtOnce = new ConcurrentHashMap<>();
    private final List<Stand> stands = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<RoleCoordinator> coordinators = new ArrayList<>();

    @AfterEach
    void stop() {
        coordinators.forEach(RoleCoordinator::close);
    }

    @Test
    void eachRoleRunsOnExactlyOneInstanceAndMovesAtOnceWhenItsHolderLeaves() {
        final RoleCoordinator a = start("a");
        final RoleCoordinator b = start("b");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (final String role : ROLES) {
                assertThat(holders(role, a, b)).as(role).hasSize(1);
                assertThat(runningNow.get(role)).as(role).hasValue(1);
            }
            // the sticky assignor spreads the two roles over the two members
            assertThat(a.roles().stream().filter(RoleState::heldHere)).hasSize(1);
            assertThat(b.roles().stream().filter(RoleState::heldHere)).hasSize(1);
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (final String role : ROLES) {
                assertThat(a.isHealthy(role)).as("a sees " + role + " held").isTrue();
                assertThat(b.isHealthy(role)).as("b sees " + role + " held").isTrue();
                assertThat(a.roles().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow().holder()).isNotNull();
            }
        });

        final long left = System.nanoTime();
        a.close();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(b.roles()).allMatch(RoleState::heldHere).allMatch(RoleState::running);
            for (final String role : ROLES) {
                assertThat(runningNow.get(role)).as(role).hasValue(1);
            }
        });
        final Duration handover = Duration.ofNanos(System.nanoTime() - left);
        System.out.printf("roles handed over %d ms after their holder left the group%n", handover.toMillis());
        assertThat(handover).isLessThan(SESSION_TIMEOUT);
        ROLES.forEach(role -> assertThat(mostAtOnce.get(role)).as(role + " never ran twice at once").hasValue(1));
    }

    @Test
    void aHolderThatDiesLosesItsRolesWithinTheSessionTimeout() {
        final RoleCoordinator a = start("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.roles().stream().allMatch(RoleState::running));
        final RoleCoordinator b = start("b");
        await().atMost(Duration.ofSeconds(30)).until(() -> b.roles().stream().anyMatch(RoleState::heldHere));

        final long died = System.nanoTime();
        final List<String> heldByA = a.roles().stream().filter(RoleState::heldHere).map(RoleState::role).toList();
        a.abandon(); // its components stop, but the group hears nothing: like kill -9
        await().atMost(SESSION_TIMEOUT.plusSeconds(10)).untilAsserted(() ->
                assertThat(b.roles()).allMatch(RoleState::heldHere).allMatch(RoleState::running));
        final Duration failover = Duration.ofNanos(System.nanoTime() - died);
        System.out.printf("roles %s failed over %d ms after their holder died (session timeout %d s)%n", heldByA,
                failover.toMillis(), SESSION_TIMEOUT.toSeconds());
        assertThat(failover).isLessThan(SESSION_TIMEOUT.plusSeconds(5));
    }

    @Test
    void aComponentThatStopsOnItsOwnIsRestartedByItsHolder() {
        final RoleCoordinator a = start("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.roles().stream().allMatch(RoleState::running));
        final Stand ingester = stands.stream().filter(s -> s.role.equals("l1-ingester")).findFirst().orElseThrow();

        ingester.die(); // e.g. fenced
        await().atMost(Duration.ofSeconds(2)).until(() -> !a.isHealthy("l1-ingester") || starts.get("l1-ingester").get() == 2);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(starts.get("l1-ingester")).hasValue(2);
            assertThat(a.isHealthy("l1-ingester")).isTrue();
            assertThat(a.roles().get(1).restarts()).isEqualTo(1);
        });
        assertThat(runningNow.get("l1-ingester")).hasValue(1);
        assertThat(starts.get("readiness-checker")).hasValue(1);
    }

    private static List<String> holders(final String role, final RoleCoordinator... coordinators) {
        final List<String> holders = new ArrayList<>();
        for (final RoleCoordinator coordinator : coordinators) {
            coordinator.roles().stream().filter(s -> s.role().equals(role) && s.heldHere()).forEach(s -> holders.add(s.role()));
        }
        return holders;
    }

    private RoleCoordinator start(final String instance) {
        final List<Role> roles = ROLES.stream().map(name -> new Role(name, () -> stand(name))).toList();
        final RoleCoordinator coordinator = RoleCoordinator.start(new RoleCoordinator.Settings(
                SharedInfrastructure.kafka().bootstrapServers(), group, Optional.of(group + "-" + instance), SESSION_TIMEOUT, topic,
                (short) 1), roles, new SimpleMeterRegistry());
        coordinators.add(coordinator);
        return coordinator;
    }

    private RoleComponent stand(final String role) {
        final Stand stand = new Stand(role);
        stands.add(stand);
        starts.computeIfAbsent(role, r -> new AtomicInteger()).incrementAndGet();
        final int now = runningNow.computeIfAbsent(role, r -> new AtomicInteger()).incrementAndGet();
        mostAtOnce.computeIfAbsent(role, r -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        return stand;
    }

    /** A stand-in component that counts itself while it runs. */
    private final class Stand implements RoleComponent {

        private final String role;
        private final AtomicBoolean running = new AtomicBoolean(true);

        Stand(final String role) {
            this.role = role;
        }

        void die() {
            if (running.compareAndSet(true, false)) {
                runningNow.get(role).decrementAndGet();
            }
        }

        @Override
        public boolean isRunning() {
            return running.get();
        }

        @Override
        public void close() {
            die();
        }
    }
}
