package io.ethproofmanager.topology.analytics;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.topology.analytics.BatchRequestFacts.Fact;
import io.ethproofmanager.topology.analytics.BatchRequestFacts.Kind;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One proving network's running figures: the sum of its batches' contributions (each computed from the batch's
 * {@link BatchRequestFacts}, so that it can be taken out again) and of its claimed rewards. Figures stored before
 * {@code unacknowledged} existed read 0 there: their {@code timedOut} also counted the unacknowledged requests.
 */
public record NetworkStats(
        long assigned,
        long accepted,
        long refused,
        long proven,
        long validated,
        long validationFailed,
        @JsonSetter(nulls = Nulls.AS_EMPTY) long unacknowledged,
        long timedOut,
        DurationHistogram acknowledgeSeconds,
        DurationHistogram proveSeconds,
        long earnedMicroUsdc,
        long claimedMicroUsdc,
        Instant updatedAt) {

    public NetworkStats {
        Objects.requireNonNull(acknowledgeSeconds, "acknowledgeSeconds");
        Objects.requireNonNull(proveSeconds, "proveSeconds");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A network nothing is known of. */
    public static NetworkStats empty() {
        return new NetworkStats(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, DurationHistogram.empty(), DurationHistogram.empty(), 0L, 0L,
                Instant.EPOCH);
    }

    /** These figures with a batch's contribution replaced: {@code before}'s taken out, {@code after}'s added. */
    public NetworkStats replace(final BatchRequestFacts before, final BatchRequestFacts after) {
        return minus(before).plus(after);
    }

    /** These figures with {@code facts}' contribution added (none when the batch's network is unknown). */
    public NetworkStats plus(final BatchRequestFacts facts) {
        return facts.network().isPresent() ? add(facts, 1L) : this;
    }

    /** These figures with {@code facts}' contribution taken out. */
    public NetworkStats minus(final BatchRequestFacts facts) {
        return facts.network().isPresent() ? add(facts, -1L) : this;
    }

    /** These figures after a reward claim of {@code amountMicroUsdc} (negative: a retracted claim). */
    public NetworkStats claimed(final long amountMicroUsdc) {
        return new NetworkStats(assigned, accepted, refused, proven, validated, validationFailed, unacknowledged, timedOut,
                acknowledgeSeconds, proveSeconds, earnedMicroUsdc, nonNegative(claimedMicroUsdc + amountMicroUsdc), updatedAt);
    }

    /** These figures, last changed at {@code at}. */
    public NetworkStats at(final Instant at) {
        return new NetworkStats(assigned, accepted, refused, proven, validated, validationFailed, unacknowledged, timedOut,
                acknowledgeSeconds, proveSeconds, earnedMicroUsdc, claimedMicroUsdc, at);
    }

    /** Rewards validated but not claimed yet. */
    public long owedMicroUsdc() {
        return nonNegative(earnedMicroUsdc - claimedMicroUsdc);
    }

    /** The published record of {@code network}'s figures. */
    public NetworkAnalytics toAnalytics(final ProvingNetwork network) {
        return new NetworkAnalytics(network, assigned, accepted, refused, proven, validated, validationFailed, unacknowledged, timedOut,
                quantile(acknowledgeSeconds, 0.5), quantile(acknowledgeSeconds, 0.99),
                quantile(proveSeconds, 0.5), quantile(proveSeconds, 0.99), owedMicroUsdc(), claimedMicroUsdc, updatedAt);
    }

    private NetworkStats add(final BatchRequestFacts facts, final long sign) {
        final Optional<Boolean> acknowledged = facts.fact(Kind.ACKNOWLEDGED).map(Fact::flag);
        final Optional<Boolean> validation = facts.fact(Kind.VALIDATION).map(Fact::flag);
        return new NetworkStats(
                count(assigned, sign, facts.fact(Kind.SUBMITTED).isPresent()),
                count(accepted, sign, acknowledged.orElse(false)),
                count(refused, sign, acknowledged.map(accepted -> !accepted).orElse(false)),
                count(proven, sign, facts.fact(Kind.PROVEN).isPresent()),
                count(validated, sign, validation.orElse(false)),
                count(validationFailed, sign, validation.map(valid -> !valid).orElse(false)),
                count(unacknowledged, sign, facts.unacknowledged()),
                count(timedOut, sign, facts.timedOut()),
                sample(acknowledgeSeconds, sign, facts.acknowledgeSeconds()),
                sample(proveSeconds, sign, facts.proveSeconds()),
                nonNegative(earnedMicroUsdc + sign * facts.earnedRewardMicroUsdc()),
                claimedMicroUsdc,
                updatedAt);
    }

    private static long count(final long current, final long sign, final boolean counts) {
        return counts ? nonNegative(current + sign) : current;
    }

    private static DurationHistogram sample(final DurationHistogram histogram, final long sign, final Optional<Long> seconds) {
        return seconds.map(s -> sign > 0 ? histogram.plus(s) : histogram.minus(s)).orElse(histogram);
    }

    private static Double quantile(final DurationHistogram histogram, final double quantile) {
        return histogram.quantile(quantile).orElse(null);
    }

    private static long nonNegative(final long value) {
        return Math.max(0L, value);
    }
}
