package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.schemas.L1TransactionResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L1 sender's meters (Prometheus names) and what this instance knows live of the lanes it holds:
 * {@code epm_l1_sender_attempts_total{kind,outcome}} (published outcomes), {@code epm_l1_sender_held_fee_cap} (lanes held
 * by the fee cap now), {@code epm_l1_sender_submitter_balance_wei} (the lowest balance of the lanes' accounts this instance
 * read) and, per lane ({@code lane} tag: its index), {@code epm_l1_sender_lane_owned} (1 while this instance holds it),
 * {@code epm_l1_sender_lane_next_nonce} (the nonce its next new transaction takes, -1 when not held here),
 * {@code epm_l1_sender_lane_in_flight} (its transactions broadcast and awaited now),
 * {@code epm_l1_sender_lane_oldest_pending_seconds} (how long ago the transaction of its oldest pending command was first
 * broadcast, 0 when none is pending),
 * {@code epm_l1_sender_lane_fee_held} (1 while its lowest command is held by the fee cap) and
 * {@code epm_l1_sender_lane_held_fee_per_gas_wei} (the maxFeePerGas last quoted for that command, 0 when not held), beside
 * {@code epm_l1_sender_fee_cap_per_gas_wei} (the cap). A lane becoming held, and released, is logged.
 */
final class SenderMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(L1TransactionSender.class);

    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<Integer, BigInteger> balances = new ConcurrentHashMap<>();
    private final Map<Integer, LaneLive> lanes = new ConcurrentHashMap<>();

    SenderMetrics(final MeterRegistry meters, final BigInteger feeCap) {
        this.meters = Objects.requireNonNull(meters, "meters");
        this.clock = Clock.systemUTC();
        Objects.requireNonNull(feeCap, "feeCap");
        Gauge.builder("epm_l1_sender_held_fee_cap", lanes,
                        all -> all.values().stream().filter(lane -> lane.hold.get().isPresent()).count())
                .description("lanes whose lowest command is not sent because the fee asked is above the cap")
                .register(meters);
        Gauge.builder("epm_l1_sender_fee_cap_per_gas", feeCap, BigInteger::doubleValue)
                .description("the cap on a transaction's maxFeePerGas (epm.l1.max-fee-per-gas-cap)")
                .baseUnit("wei")
                .register(meters);
        Gauge.builder("epm_l1_sender_submitter_balance", balances,
                        wei -> wei.values().stream().min(BigInteger::compareTo).orElse(BigInteger.ZERO).doubleValue())
                .description("the lowest balance on L1 of the lanes' accounts, read after each command")
                .baseUnit("wei")
                .register(meters);
    }

    void outcome(final L1TransactionResult result) {
        Counter.builder("epm_l1_sender_attempts_total")
                .description("outcomes of L1 commands published by the sender")
                .tag("kind", result.kind().wireName())
                .tag("outcome", result.outcome().wireName())
                .register(meters)
                .increment();
    }

    /**
     * The lane's command {@code commandId} is held: {@code quote} is above {@code cap}. Logged when the lane becomes held; a
     * lane already held keeps its first held command and since when, with the newest quote.
     */
    void held(final Lane lane, final String commandId, final Fees quote, final BigInteger cap) {
        final AtomicReference<Optional<FeeHold>> hold = live(lane).hold;
        final Optional<FeeHold> before = hold.getAndUpdate(now -> Optional.of(now.map(h -> h.requoted(quote.maxFeePerGas()))
                .orElseGet(() -> new FeeHold(commandId, quote.maxFeePerGas(), cap, clock.instant()))));
        if (before.isEmpty()) {
            LOG.warn("{} is {}; its later commands wait", lane, hold.get().get().describe(clock.instant()));
        }
    }

    /** The lane is not held by the fee cap (any more): a command of it is sent, or its held command expired; logged when it was. */
    void released(final Lane lane) {
        released(lane, "a fee under the cap is quoted, or its held command is done");
    }

    /** The hold of the lane, when its lowest command is held by the fee cap now. */
    Optional<FeeHold> hold(final int lane) {
        return Optional.ofNullable(lanes.get(lane)).flatMap(live -> live.hold.get());
    }

    /** Every lane held by the fee cap now, by index. */
    Map<Integer, FeeHold> holds() {
        final Map<Integer, FeeHold> held = new HashMap<>();
        lanes.forEach((index, live) -> live.hold.get().ifPresent(hold -> held.put(index, hold)));
        return held;
    }

    /** Whether the lane's held command is {@code commandId}: done now (sent, on chain, expired), so the lane is released. */
    void done(final Lane lane, final String commandId) {
        if (hold(lane.index()).filter(hold -> hold.commandId().equals(commandId)).isPresent()) {
            released(lane, commandId + " is done");
        }
    }

    private void released(final Lane lane, final String why) {
        final LaneLive live = lanes.get(lane.index());
        if (live == null) {
            return;
        }
        live.hold.getAndSet(Optional.empty()).ifPresent(was -> LOG.info("{} is no longer held by the fee cap ({}), after {} s",
                lane, why, Duration.between(was.since(), clock.instant()).toSeconds()));
    }

    void balance(final Lane lane, final BigInteger wei) {
        balances.put(lane.index(), wei);
    }

    /** The lane is held here, its next nonce {@code nextNonce}; or released ({@code -1}: nothing pending or held here then). */
    void lane(final Lane lane, final long nextNonce) {
        live(lane).nextNonce.set(nextNonce);
        if (nextNonce < 0) {
            inFlight(lane, List.of(), List.of());
            live(lane).resumedSince.clear();
            released(lane, "the lane is not held here any more");
        }
    }

    /**
     * The lane, just taken here, has persisted transactions that may still mine: when each command's was first broadcast
     * (its oldest unresolved attempt), counted from then once the command is in flight here again.
     */
    void resumed(final Lane lane, final Map<String, Instant> firstBroadcasts) {
        live(lane).resumedSince.putAll(firstBroadcasts);
    }

    /** The lane's command {@code commandId} has its transaction in flight now: pending from now, unless it already was. */
    void sent(final Lane lane, final String commandId) {
        final LaneLive live = live(lane);
        live.pending.computeIfAbsent(commandId, first -> Optional.ofNullable(live.resumedSince.remove(first))
                .orElseGet(clock::instant));
    }

    /**
     * The lane's commands in hand now ({@code inHand}: taken from the topic, not done) and those of them whose
     * transactions are awaited now ({@code inFlight}). A command counts as pending from its transaction's first broadcast
     * (when resumed after a takeover: its oldest unresolved attempt) until it is no longer in hand, also while its
     * transaction is re-broadcast or retried after a failure.
     */
    void inFlight(final Lane lane, final Collection<String> inFlight, final Collection<String> inHand) {
        final LaneLive live = live(lane);
        live.pending.keySet().retainAll(inHand);
        inFlight.forEach(id -> sent(lane, id));
        live.inFlight.set(inFlight.size());
    }

    /** Seconds since the transaction of the lane's oldest pending command was first broadcast; empty when none is pending. */
    Optional<Long> oldestPendingSeconds(final int lane) {
        return Optional.ofNullable(lanes.get(lane)).flatMap(live -> live.pending.values().stream().min(Instant::compareTo))
                .map(oldest -> Duration.between(oldest, clock.instant()).toSeconds());
    }

    private LaneLive live(final Lane lane) {
        return lanes.computeIfAbsent(lane.index(), this::register);
    }

    private LaneLive register(final int index) {
        final LaneLive live = new LaneLive();
        final String tag = String.valueOf(index);
        Gauge.builder("epm_l1_sender_lane_owned", live.nextNonce, value -> value.get() >= 0 ? 1 : 0)
                .description("1 while this instance holds the lane (its submitter account's nonces)")
                .tag("lane", tag)
                .register(meters);
        Gauge.builder("epm_l1_sender_lane_next_nonce", live.nextNonce, AtomicLong::get)
                .description("the nonce the lane's next new transaction takes; -1 when the lane is not held here")
                .tag("lane", tag)
                .register(meters);
        Gauge.builder("epm_l1_sender_lane_in_flight", live.inFlight, AtomicLong::get)
                .description("the lane's transactions broadcast and awaited now")
                .tag("lane", tag)
                .register(meters);
        Gauge.builder("epm_l1_sender_lane_oldest_pending", this, metrics -> metrics.oldestPendingSeconds(index).orElse(0L))
                .description("seconds since the transaction of the lane's oldest pending command was first broadcast; 0 when none is")
                .baseUnit("seconds")
                .tag("lane", tag)
                .register(meters);
        Gauge.builder("epm_l1_sender_lane_fee_held", live.hold, hold -> hold.get().isPresent() ? 1 : 0)
                .description("1 while the lane's lowest command is held by the fee cap (its later commands wait)")
                .tag("lane", tag)
                .register(meters);
        Gauge.builder("epm_l1_sender_lane_held_fee_per_gas", live.hold,
                        hold -> hold.get().map(h -> h.quotedMaxFeePerGas().doubleValue()).orElse(0.0))
                .description("the maxFeePerGas last quoted for the lane's command held by the fee cap; 0 when none is held")
                .baseUnit("wei")
                .tag("lane", tag)
                .register(meters);
        return live;
    }

    /** One lane as this instance sees it live. */
    private static final class LaneLive {
        private final AtomicLong nextNonce = new AtomicLong(-1);
        private final AtomicLong inFlight = new AtomicLong();
        private final Map<String, Instant> pending = new ConcurrentHashMap<>();
        private final Map<String, Instant> resumedSince = new ConcurrentHashMap<>();
        private final AtomicReference<Optional<FeeHold>> hold = new AtomicReference<>(Optional.empty());
    }
}
