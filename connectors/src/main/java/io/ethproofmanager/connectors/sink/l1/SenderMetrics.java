package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.schemas.L1TransactionResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The L1 sender's meters (Prometheus names): {@code epm_l1_sender_attempts_total{kind,outcome}} (published outcomes),
 * {@code epm_l1_sender_held_fee_cap} (commands held by the fee cap now) and {@code epm_l1_sender_submitter_balance_wei}.
 */
final class SenderMetrics {

    private final MeterRegistry meters;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicReference<BigInteger> balance = new AtomicReference<>(BigInteger.ZERO);

    SenderMetrics(final MeterRegistry meters) {
        this.meters = Objects.requireNonNull(meters, "meters");
        Gauge.builder("epm_l1_sender_held_fee_cap", held, AtomicInteger::get)
                .description("commands not sent because the fee asked is above the cap")
                .register(meters);
        Gauge.builder("epm_l1_sender_submitter_balance", balance, wei -> wei.get().doubleValue())
                .description("the signer's balance on L1, read after each command")
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

    void held(final boolean isHeld) {
        held.set(isHeld ? 1 : 0);
    }

    int heldNow() {
        return held.get();
    }

    void balance(final BigInteger wei) {
        balance.set(wei);
    }
}
