package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.schemas.L1TransactionResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The L1 sender's meters (Prometheus names): {@code epm_l1_sender_attempts_total{kind,outcome}} (published outcomes),
 * {@code epm_l1_sender_held_fee_cap} (lanes whose next command is held by the fee cap now),
 * {@code epm_l1_sender_submitter_balance_wei} (the lowest balance of the lanes' accounts this instance read) and, per lane
 * ({@code lane} tag: its index), {@code epm_l1_sender_lane_owned} (1 while this instance holds it) and
 * {@code epm_l1_sender_lane_next_nonce} (the nonce its next new transaction takes, -1 when not held here) and
 * {@code epm_l1_sender_lane_in_flight} (its transactions broadcast and awaited now).
 */
final class SenderMetrics {

    private final MeterRegistry meters;
    private final Set<Integer> heldLanes = ConcurrentHashMap.newKeySet();
    private final Map<Integer, BigInteger> balances = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> nextNonces = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> inFlight = new ConcurrentHashMap<>();

    SenderMetrics(final MeterRegistry meters) {
        this.meters = Objects.requireNonNull(meters, "meters");
        Gauge.builder("epm_l1_sender_held_fee_cap", heldLanes, Set::size)
                .description("lanes whose next command is not sent because the fee asked is above the cap")
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

    void held(final Lane lane, final boolean isHeld) {
        if (isHeld) {
            heldLanes.add(lane.index());
        } else {
            heldLanes.remove(lane.index());
        }
    }

    int heldNow() {
        return heldLanes.size();
    }

    void balance(final Lane lane, final BigInteger wei) {
        balances.put(lane.index(), wei);
    }

    /** The lane is held here, its next nonce {@code nextNonce}; or released ({@code -1}). */
    void lane(final Lane lane, final long nextNonce) {
        nextNonces.computeIfAbsent(lane.index(), index -> {
            final AtomicLong next = new AtomicLong(-1);
            final String tag = String.valueOf(index);
            Gauge.builder("epm_l1_sender_lane_owned", next, value -> value.get() >= 0 ? 1 : 0)
                    .description("1 while this instance holds the lane (its submitter account's nonces)")
                    .tag("lane", tag)
                    .register(meters);
            Gauge.builder("epm_l1_sender_lane_next_nonce", next, AtomicLong::get)
                    .description("the nonce the lane's next new transaction takes; -1 when the lane is not held here")
                    .tag("lane", tag)
                    .register(meters);
            return next;
        }).set(nextNonce);
    }

    /** The lane has {@code count} transactions in flight now. */
    void inFlight(final Lane lane, final int count) {
        inFlight.computeIfAbsent(lane.index(), index -> {
            final AtomicLong now = new AtomicLong();
            Gauge.builder("epm_l1_sender_lane_in_flight", now, AtomicLong::get)
                    .description("the lane's transactions broadcast and awaited now")
                    .tag("lane", String.valueOf(index))
                    .register(meters);
            return now;
        }).set(count);
    }
}
