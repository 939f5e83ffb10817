package io.ethproofmanager.connectors.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active instance per role, chosen by Kafka's group membership: every instance's coordinator is a member of one
 * consumer group subscribed to a coordination topic with one partition per role (partition {@code i} is role {@code i}
 * of the list), and the instance assigned a role's partition runs that role's component. No record is ever written to
 * the topic: the group's assignment is the whole protocol.
 *
 * <p>The coordinator's consumer polls on its own thread ({@value #THREAD_NAME}); its rebalance listener starts a role's
 * component when the partition is assigned and stops it when it is revoked or lost. The cooperative sticky assignor
 * moves only the partitions that must move, and revokes them from their old holder (which stops the component) before
 * the new holder is assigned them; a holder that dies is dropped from the group after {@code sessionTimeout}, and its
 * roles go to the others then. A component that dies on its own (fenced, failed) while its role is held is restarted
 * with a backoff, once the group coordinator confirms (describeConsumerGroups) that this member still holds the role: a
 * member that lost its role without noticing yet never takes the role back from its new holder.
 *
 * <p>What a stale holder (one that lost its role but still runs, e.g. paused longer than the session timeout) can do is
 * up to each role's component: the L1 ingester's transactional id is the same on every instance, so the new holder's
 * producer fences it.
 */
public final class RoleCoordinator implements AutoCloseable {

    /** The coordination topic's default name. */
    public static final String TOPIC = "epm.source-roles.v1";
    /** The coordinator's thread. */
    public static final String THREAD_NAME = "epm-source-roles";

    private static final Logger LOG = LoggerFactory.getLogger(RoleCoordinator.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration GROUP_VIEW_EVERY = Duration.ofSeconds(1);
    private static final Duration RESTART_BACKOFF_MIN = Duration.ofSeconds(1);
    private static final Duration RESTART_BACKOFF_MAX = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(90);

    /** A role: its name, and how to start the component that performs it (called on the coordinator's thread). */
    public record Role(String name, Supplier<? extends RoleComponent> starter) {

        public Role {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(starter, "starter");
        }
    }

    /** A role's running component: closed when the role goes; {@link #isRunning()} false once it died on its own. */
    public interface RoleComponent extends AutoCloseable {

        boolean isRunning();

        @Override
        void close();

        /** A component that is {@code running} and stops with {@code close}. */
        static RoleComponent of(final AutoCloseable close, final BooleanSupplier running) {
            return new RoleComponent() {
                @Override
                public boolean isRunning() {
                    return running.getAsBoolean();
                }

                @Override
                public void close() {
                    try {
                        close.close();
                    } catch (final Exception e) {
                        throw new IllegalStateException("stopping the component failed: " + e, e);
                    }
                }
            };
        }
    }

    /**
     * @param bootstrapServers the Kafka cluster
     * @param groupId the coordination group (one per deployment: {@code <application-id>-source-roles})
     * @param groupInstanceId this instance's static member id, if any
     * @param sessionTimeout how long a holder that stopped heartbeating (killed, partitioned) keeps its roles
     * @param topic the coordination topic, created with one partition per role when missing
     * @param replicationFactor the topic's replication factor when created
     */
    public record Settings(String bootstrapServers, String groupId, Optional<String> groupInstanceId, Duration sessionTimeout,
            String topic, short replicationFactor) {

        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(groupInstanceId, "groupInstanceId");
            Objects.requireNonNull(sessionTimeout, "sessionTimeout");
            Objects.requireNonNull(topic, "topic");
        }
    }

    /**
     * What this instance knows of a role, for the status API and {@code /ready}.
     *
     * @param role the role's name
     * @param partition its partition of the coordination topic
     * @param heldHere this instance holds it
     * @param running its component runs here
     * @param holder the member that holds it in the group's last described assignment (its instance id, else client id
     *     and host), or null when none does
     * @param restarts how often this instance restarted its component after it died or failed to start
     */
    public record RoleState(String role, int partition, boolean heldHere, boolean running, String holder, long restarts) {
    }

    private final Settings settings;
    private final List<Slot> slots;
    private final MeterRegistry meters;
    private final List<Meter> registered = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicReference<KafkaConsumer<byte[], byte[]>> consumer = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean leaveOnClose = true;
    private volatile String memberId = "";

    private RoleCoordinator(final Settings settings, final List<Role> roles, final MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
        final List<Slot> built = new ArrayList<>();
        for (int partition = 0; partition < roles.size(); partition++) {
            built.add(new Slot(roles.get(partition), partition));
        }
        this.slots = List.copyOf(built);
        this.thread = new Thread(this::run, THREAD_NAME);
    }

    /**
     * Creates the coordination topic when missing (one partition per role; more are added when it has fewer), registers
     * the gauges and joins the group on {@value #THREAD_NAME}; the roles start as the group assigns them.
     */
    public static RoleCoordinator start(final Settings settings, final List<Role> roles, final MeterRegistry meters) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("no roles");
        }
        ensureTopic(settings, roles.size());
        final RoleCoordinator coordinator = new RoleCoordinator(settings, roles, meters);
        coordinator.registerMeters();
        coordinator.thread.start();
        LOG.info("source roles {} coordinated by group {} on {} (session timeout {} s)",
                roles.stream().map(Role::name).toList(), settings.groupId(), settings.topic(), settings.sessionTimeout().toSeconds());
        return coordinator;
    }

    /** What this instance knows of each role now, in partition order. */
    public List<RoleState> roles() {
        return slots.stream().map(Slot::state).toList();
    }

    /** This member's id in the group (empty before it joined). */
    public String memberId() {
        return memberId;
    }

    /** True while the coordinator's thread runs. */
    public boolean isRunning() {
        return thread.isAlive() && closing.getCount() > 0;
    }

    /**
     * The readiness of {@code role}: true when this instance holds it and its component runs, or when another member held
     * it in a group assignment described within the last session timeout; false otherwise (nobody holds it, or this
     * instance holds it while its component is down, or the group cannot be described).
     */
    public boolean isHealthy(final String role) {
        final Slot slot = slots.stream().filter(s -> s.role.name().equals(role)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no role " + role));
        if (!isRunning()) {
            return false;
        }
        if (slot.held) {
            return slot.isRunning();
        }
        return slot.seenHeldAtNanos != 0 && System.nanoTime() - slot.seenHeldAtNanos < settings.sessionTimeout().toNanos();
    }

    /** The roles' names, in partition order. */
    public List<String> roleNames() {
        return slots.stream().map(s -> s.role.name()).toList();
    }

    /** Stops the roles held here and leaves the group, so that the others take them at once. */
    @Override
    public void close() {
        stop(true);
    }

    /**
     * Stops like a crash as the group sees it: the components stop, but the group is not left, so the roles move to
     * another member only once this one's session times out (for tests of failover).
     */
    public void abandon() {
        stop(false);
    }

    private void stop(final boolean leave) {
        leaveOnClose = leave;
        closing.countDown();
        Optional.ofNullable(consumer.get()).ifPresent(KafkaConsumer::wakeup);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_TIMEOUT.toMillis());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("source role coordinator did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
            }
        }
        registered.forEach(meters::remove);
    }

    private void run() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            final KafkaConsumer<byte[], byte[]> created = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            consumer.set(created);
            try {
                created.subscribe(List.of(settings.topic()), new Listener());
                long nextGroupView = 0;
                while (closing.getCount() > 0) {
                    try {
                        created.poll(POLL);
                    } catch (final WakeupException e) {
                        if (closing.getCount() > 0) {
                            throw e;
                        }
                        break;
                    }
                    memberId = created.groupMetadata().memberId();
                    if (System.nanoTime() - nextGroupView >= 0) {
                        describeGroup(admin);
                        nextGroupView = System.nanoTime() + GROUP_VIEW_EVERY.toNanos();
                    }
                    supervise(admin);
                }
            } finally {
                slots.forEach(Slot::stopComponent);
                closeConsumer(created);
            }
        } catch (final RuntimeException e) {
            LOG.error("source role coordinator of group {} failed; this instance holds no role from now on", settings.groupId(), e);
            slots.forEach(Slot::stopComponent);
        } finally {
            slots.forEach(slot -> slot.held = false);
            LOG.info("source role coordinator of group {} stopped", settings.groupId());
        }
    }

    private void closeConsumer(final KafkaConsumer<byte[], byte[]> created) {
        final CloseOptions.GroupMembershipOperation operation = leaveOnClose ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP;
        try {
            created.close(CloseOptions.groupMembershipOperation(operation).withTimeout(ADMIN_TIMEOUT));
        } catch (final RuntimeException e) {
            LOG.warn("source role consumer did not close cleanly: {}", e.toString());
        }
    }

    /** Restarts the components of held roles that are not running, after their backoff and once the group confirms. */
    private void supervise(final Admin admin) {
        for (final Slot slot : slots) {
            slot.resetBackoffWhenSteady();
            if (!slot.held || slot.isRunning() || System.nanoTime() - slot.nextStartAtNanos < 0 || closing.getCount() == 0) {
                continue;
            }
            if (slot.component != null) {
                LOG.error("source role {} held here, but its component stopped on its own; restarting it", slot.role.name());
                slot.stopComponent();
            }
            if (!confirmedHolder(admin, slot)) {
                LOG.warn("source role {}: the group does not confirm this member ({}) holds it; not restarting it", slot.role.name(),
                        memberId);
                slot.backOff();
                continue;
            }
            slot.restarts.increment();
            slot.startComponent();
        }
    }

    /** True when the group's assignment, as the broker describes it now, gives {@code slot}'s partition to this member. */
    private boolean confirmedHolder(final Admin admin, final Slot slot) {
        final Optional<ConsumerGroupDescription> group = describe(admin);
        return group.isPresent() && group.get().members().stream()
                .filter(member -> member.consumerId().equals(memberId))
                .anyMatch(member -> member.assignment().topicPartitions().contains(slot.partition()));
    }

    private void describeGroup(final Admin admin) {
        final Optional<ConsumerGroupDescription> group = describe(admin);
        if (group.isEmpty()) {
            return;
        }
        final Map<TopicPartition, MemberDescription> holders = new HashMap<>();
        for (final MemberDescription member : group.get().members()) {
            member.assignment().topicPartitions().forEach(partition -> holders.put(partition, member));
        }
        final long now = System.nanoTime();
        for (final Slot slot : slots) {
            final MemberDescription holder = holders.get(slot.partition());
            slot.holder = holder == null ? null : holder.groupInstanceId().orElse(holder.clientId() + holder.host());
            if (holder != null) {
                slot.seenHeldAtNanos = now;
            }
        }
    }

    private Optional<ConsumerGroupDescription> describe(final Admin admin) {
        try {
            return Optional.of(admin.describeConsumerGroups(List.of(settings.groupId())).describedGroups().get(settings.groupId())
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (final ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("group {} not described: {}", settings.groupId(), e.toString());
            return Optional.empty();
        }
    }

    private Map<String, Object> consumerConfig() {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, THREAD_NAME + "-" + settings.groupId());
        settings.groupInstanceId().ifPresent(id -> config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic"); // the session timeout is the client's to set
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, settings.sessionTimeout().toMillis() / 5));
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return config;
    }

    private void registerMeters() {
        for (final Slot slot : slots) {
            registered.add(Gauge.builder("epm_source_role_held", slot, s -> s.held ? 1 : 0)
                    .description("1 when this instance holds the source role").tag("role", slot.role.name()).register(meters));
            registered.add(Gauge.builder("epm_source_role_running", slot, s -> s.isRunning() ? 1 : 0)
                    .description("1 when the source role's component runs on this instance").tag("role", slot.role.name())
                    .register(meters));
            registered.add(Gauge.builder("epm_source_role_healthy", this, c -> c.isHealthy(slot.role.name()) ? 1 : 0)
                    .description("1 when the source role runs here or another live instance holds it (/ready's check)")
                    .tag("role", slot.role.name()).register(meters));
            registered.add(slot.restarts);
        }
    }

    private static void ensureTopic(final Settings settings, final int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            try {
                admin.createTopics(List.of(new NewTopic(settings.topic(), partitions, settings.replicationFactor()))).all()
                        .get(ADMIN_TIMEOUT.toSeconds() * 6, TimeUnit.SECONDS);
                LOG.info("created the source role topic {} with {} partitions", settings.topic(), partitions);
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                final int existing = admin.describeTopics(List.of(settings.topic())).allTopicNames()
                        .get(ADMIN_TIMEOUT.toSeconds() * 6, TimeUnit.SECONDS).get(settings.topic()).partitions().size();
                if (existing < partitions) {
                    admin.createPartitions(Map.of(settings.topic(), NewPartitions.increaseTo(partitions))).all()
                            .get(ADMIN_TIMEOUT.toSeconds() * 6, TimeUnit.SECONDS);
                    LOG.info("source role topic {}: {} partitions added, one per role", settings.topic(), partitions - existing);
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the source role topic " + settings.topic(), e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the source role topic " + settings.topic() + " on "
                    + settings.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /** Starts and stops the components as the group assigns and takes back the partitions. */
    private final class Listener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            for (final Slot slot : slotsOf(partitions)) {
                slot.held = true;
                slot.seenHeldAtNanos = System.nanoTime();
                LOG.info("source role {} assigned to this instance; starting it", slot.role.name());
                slot.startComponent();
            }
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            release(partitions, "revoked");
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            release(partitions, "lost (this member's session expired)");
        }

        private void release(final Collection<TopicPartition> partitions, final String how) {
            for (final Slot slot : slotsOf(partitions)) {
                LOG.info("source role {} {}; stopping it", slot.role.name(), how);
                slot.held = false;
                slot.stopComponent();
            }
        }

        private List<Slot> slotsOf(final Collection<TopicPartition> partitions) {
            return partitions.stream().filter(p -> p.topic().equals(settings.topic()) && p.partition() < slots.size())
                    .map(p -> slots.get(p.partition())).toList();
        }
    }

    /** One role and what this instance runs for it; written on the coordinator's thread. */
    private final class Slot {

        private final Role role;
        private final int partition;
        private final Counter restarts;
        private volatile boolean held;
        private volatile RoleComponent component;
        private volatile String holder;
        private volatile long seenHeldAtNanos;
        private long nextStartAtNanos;
        private long startedAtNanos;
        private Duration backoff = RESTART_BACKOFF_MIN;

        Slot(final Role role, final int partition) {
            this.role = role;
            this.partition = partition;
            this.restarts = Counter.builder("epm_source_role_restarts_total").tag("role", role.name())
                    .description("restarts of a held source role's component after it stopped on its own or failed to start")
                    .register(meters);
        }

        TopicPartition partition() {
            return new TopicPartition(settings.topic(), partition);
        }

        boolean isRunning() {
            final RoleComponent running = component;
            try {
                return running != null && running.isRunning();
            } catch (final RuntimeException e) {
                return false;
            }
        }

        void startComponent() {
            if (component != null) {
                return;
            }
            try {
                component = role.starter().get();
                startedAtNanos = System.nanoTime();
                backOff(); // a component that keeps dying is restarted less and less often
            } catch (final RuntimeException e) {
                LOG.error("source role {} could not start; retrying in {} s", role.name(), backoff.toSeconds(), e);
                backOff();
            }
        }

        /** A component that has run for the longest backoff is restarted quickly again when it next dies. */
        void resetBackoffWhenSteady() {
            if (isRunning() && System.nanoTime() - startedAtNanos > RESTART_BACKOFF_MAX.toNanos()) {
                backoff = RESTART_BACKOFF_MIN;
            }
        }

        void backOff() {
            nextStartAtNanos = System.nanoTime() + backoff.toNanos();
            backoff = backoff.multipliedBy(2).compareTo(RESTART_BACKOFF_MAX) > 0 ? RESTART_BACKOFF_MAX : backoff.multipliedBy(2);
        }

        void stopComponent() {
            final RoleComponent stopping = component;
            component = null;
            if (stopping != null) {
                try {
                    stopping.close();
                } catch (final RuntimeException e) {
                    LOG.warn("stopping source role {} failed: {}", role.name(), e.toString());
                }
            }
        }

        RoleState state() {
            return new RoleState(role.name(), partition, held, isRunning(), holder, (long) restarts.count());
        }
    }
}
