package io.ethproofmanager.topology.analytics;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the chain says about one batch's proof request, one live fact per contract event kind: a duplicate event changes
 * nothing and a retraction takes its fact out, so the batch's contribution to {@link NetworkStats} can be recomputed.
 *
 * @param facts at most one fact per {@link Kind}, the event's log position included; kept in {@link Kind} order
 * @param unacknowledged whether the request ended Unacknowledged: the batch fell back because its network did not
 *     acknowledge it in time. Facts stored before this flag existed read false; their {@code timedOut} covered both.
 * @param timedOut whether the request ended TimedOut: the batch fell back because its network accepted it but did not
 *     prove it in time
 */
public record BatchRequestFacts(List<Fact> facts, @JsonSetter(nulls = Nulls.AS_EMPTY) boolean unacknowledged, boolean timedOut) {

    /** The contract event a fact comes from. */
    public enum Kind { SUBMITTED, ACKNOWLEDGED, PROVEN, VALIDATION }

    /**
     * One contract event, reduced to what analytics need.
     *
     * @param flag accepted (ACKNOWLEDGED) or proof valid (VALIDATION); false otherwise
     * @param rewardMicroUsdc the requested reward (PROVEN); 0 otherwise
     */
    public record Fact(Kind kind, ProvingNetwork network, LogPosition log, boolean flag, long rewardMicroUsdc) {

        public Fact {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(network, "network");
            Objects.requireNonNull(log, "log");
        }

        /** The fact an L1 event states. */
        public static Fact of(final L1Event event) {
            return switch (event) {
                case L1Event.ProofRequestSubmitted e -> new Fact(Kind.SUBMITTED, e.assignedTo(), e.log(), false, 0L);
                case L1Event.ProofRequestAcknowledged e -> new Fact(Kind.ACKNOWLEDGED, e.assignedTo(), e.log(), e.accepted(), 0L);
                case L1Event.ProofRequestProven e ->
                        new Fact(Kind.PROVEN, e.assignedTo(), e.log(), false, e.requestedRewardMicroUsdc());
                case L1Event.ProofValidationResult e -> new Fact(Kind.VALIDATION, e.assignedTo(), e.log(), e.proofValid(), 0L);
            };
        }
    }

    public BatchRequestFacts {
        facts = facts.stream().sorted(Comparator.comparing(Fact::kind)).toList();
        if (facts.stream().map(Fact::kind).distinct().count() != facts.size()) {
            throw new IllegalArgumentException("at most one fact per kind, were " + facts);
        }
    }

    /** A batch nothing is known of. */
    public static BatchRequestFacts none() {
        return new BatchRequestFacts(List.of(), false, false);
    }

    /** These facts after {@code event}: a new or re-mined event replaces its kind's fact, a retraction removes its own. */
    public BatchRequestFacts with(final L1Event event) {
        final Fact fact = Fact.of(event);
        if (event.removed()) {
            return new BatchRequestFacts(facts.stream().filter(f -> !retractedBy(f, fact)).toList(), unacknowledged, timedOut);
        }
        final Stream<Fact> others = facts.stream().filter(f -> f.kind() != fact.kind());
        return new BatchRequestFacts(Stream.concat(others, Stream.of(fact)).toList(), unacknowledged, timedOut);
    }

    /**
     * These facts after the batch fell back to in-house proving for {@code fallback}'s reason. A request ends in one
     * state: once a missed deadline is recorded, a later fallback record (a redelivery) changes nothing.
     */
    public BatchRequestFacts with(final FallbackRecord fallback) {
        if (unacknowledged || timedOut) {
            return this;
        }
        return new BatchRequestFacts(facts, fallback.reason() == FallbackReason.UNACKNOWLEDGED,
                fallback.reason() == FallbackReason.TIMED_OUT);
    }

    /** The network the request is assigned to: the Submitted event's, else any other event's. */
    public Optional<ProvingNetwork> network() {
        return fact(Kind.SUBMITTED).or(() -> facts.stream().findFirst()).map(Fact::network);
    }

    public Optional<Fact> fact(final Kind kind) {
        return facts.stream().filter(f -> f.kind() == kind).findFirst();
    }

    /** Chain-time seconds from submission to acknowledgement (accepted or refused), when both are known. */
    public Optional<Long> acknowledgeSeconds() {
        return secondsFromSubmission(Kind.ACKNOWLEDGED);
    }

    /** Chain-time seconds from submission to proof, when both are known. */
    public Optional<Long> proveSeconds() {
        return secondsFromSubmission(Kind.PROVEN);
    }

    /** The reward the network earned: the requested reward of a proof that was validated true, else 0. */
    public long earnedRewardMicroUsdc() {
        final boolean valid = fact(Kind.VALIDATION).map(Fact::flag).orElse(false);
        return valid ? fact(Kind.PROVEN).map(Fact::rewardMicroUsdc).orElse(0L) : 0L;
    }

    private Optional<Long> secondsFromSubmission(final Kind kind) {
        return fact(Kind.SUBMITTED).flatMap(submitted -> fact(kind).map(later ->
                Duration.between(timestamp(submitted), timestamp(later)).toSeconds()));
    }

    private static Instant timestamp(final Fact fact) {
        return fact.log().blockTimestamp();
    }

    private static boolean retractedBy(final Fact stored, final Fact retraction) {
        return stored.kind() == retraction.kind() && stored.log().equals(retraction.log());
    }
}
