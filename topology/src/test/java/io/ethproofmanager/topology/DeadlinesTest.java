package io.ethproofmanager.topology;

import static io.ethproofmanager.topology.BatchFixtures.BATCH;
import static io.ethproofmanager.topology.BatchFixtures.BLOB_URL;
import static io.ethproofmanager.topology.BatchFixtures.POLICY;
import static io.ethproofmanager.topology.BatchFixtures.PROTOCOL;
import static io.ethproofmanager.topology.BatchFixtures.RECORD_TIME;
import static io.ethproofmanager.topology.BatchFixtures.SUBMITTED_AT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeadlinesTest {

    private static final DeadlinePolicy DEADLINES = DeadlinePolicy.defaults();
    /** Proving capped at one hour, below the request's own timeoutAfter of 4,800 s. */
    private static final DeadlinePolicy CAPPED = new DeadlinePolicy(Duration.ofMinutes(10), Duration.ofSeconds(120), Duration.ofHours(1));

    /** The seeds: a batch's state after these events; "clocked" ones had their pick-up clock started at SUBMITTED_AT. */
    private static final Map<String, List<BatchEvent>> SEEDS = Map.ofEntries(
            Map.entry("ready", events()),
            Map.entry("clocked", events()),
            Map.entry("mined_only", events(tx(BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.MINED)))),
            Map.entry("held", events(tx(BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.HELD_FEE_CAP)))),
            Map.entry("refused_at_estimation", events(tx(BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.REVERTED)))),
            Map.entry("expired", events(tx(BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.EXPIRED)))),
            Map.entry("sent", events(on(BatchFixtures.submitted(BATCH)))),
            Map.entry("acked", events(on(BatchFixtures.submitted(BATCH)), on(BatchFixtures.acknowledged(BATCH)))),
            Map.entry("proven", events(on(BatchFixtures.submitted(BATCH)), on(BatchFixtures.acknowledged(BATCH)), on(BatchFixtures.proven(BATCH)))),
            Map.entry("received", events(on(BatchFixtures.submitted(BATCH)), on(BatchFixtures.acknowledged(BATCH)),
                    new BatchEvent.Verdict(BatchFixtures.verdict(BATCH, true)))),
            Map.entry("refused", events(on(BatchFixtures.submitted(BATCH)), on(BatchFixtures.refused(BATCH)))),
            Map.entry("proven_ack_unseen", events(on(BatchFixtures.submitted(BATCH)), on(BatchFixtures.proven(BATCH)))));

    /**
     * Seed, policy, chain time in seconds after submission (and after the pick-up clock's start) → outcome, and
     * {@code >reason} when the batch falls back. Deadlines are exclusive of their last second, as on the contract.
     */
    private static final String TABLE = """
            seed       | policy   | second  | expected
            ready      | defaults | 0       | REQUEST_ISSUED
            held       | defaults | 0       | REQUEST_ISSUED
            clocked    | defaults | 600     | NOTHING_DUE
            clocked    | defaults | 601     | NOTHING_DUE
            clocked    | defaults | 100000  | NOTHING_DUE
            refused_at_estimation | defaults | 100000 | REQUEST_ISSUED
            expired    | defaults | 100000  | NOTHING_DUE
            mined_only | defaults | 100000  | NOTHING_DUE
            sent       | defaults | 120     | NOTHING_DUE
            sent       | defaults | 121     | FELL_BACK>unacknowledged
            acked      | defaults | 121     | NOTHING_DUE
            acked      | defaults | 4800    | NOTHING_DUE
            acked      | defaults | 4801    | FELL_BACK>timed_out
            acked      | capped   | 3600    | NOTHING_DUE
            acked      | capped   | 3601    | FELL_BACK>timed_out
            proven     | defaults | 100000  | NOTHING_DUE
            received   | defaults | 100000  | NOTHING_DUE
            refused    | defaults | 100000  | NOTHING_DUE
            proven_ack_unseen | defaults | 121 | NOTHING_DUE
            """;

    private static Transition deadlines(final BatchState state, final Instant chainTime, final DeadlinePolicy policy) {
        return BatchStateMachine.deadlines(state, chainTime, policy, POLICY);
    }

    static Stream<Arguments> deadlines() {
        return TABLE.lines().skip(1)
                .map(line -> Arrays.stream(line.split("\\|")).map(String::strip).toArray(String[]::new))
                .map(row -> Arguments.of(row[0], row[1], Long.parseLong(row[2]), row[3]));
    }

    @ParameterizedTest(name = "{0} ({1}) at submission + {2} s -> {3}")
    @MethodSource("deadlines")
    void chainTimeOnSeededBatchGivesTheTabledOutcome(final String seed, final String policy, final long second, final String expected) {
        final BatchState state = seeded(seed);
        final Instant chainTime = SUBMITTED_AT.plusSeconds(second);
        final Outcome expectedOutcome = Outcome.valueOf(expected.split(">")[0]);

        final Transition transition = deadlines(state, chainTime, policy.equals("capped") ? CAPPED : DEADLINES);

        assertThat(transition.outcome()).isEqualTo(expectedOutcome);
        if (expectedOutcome == Outcome.REQUEST_ISSUED) {
            assertThat(transition.commands()).singleElement().isInstanceOfSatisfying(SubmitProofRequest.class, request -> {
                assertThat(request.issuedAt()).isEqualTo(chainTime);
                assertThat(request.notPickedUpBy()).isEqualTo(chainTime.plus(DEADLINES.notPickedUp()));
            });
        } else {
            assertThat(transition.commands()).isEmpty();
        }
        if (expected.contains(">")) {
            final FallbackReason reason = FallbackReason.valueOf(expected.split(">")[1].toUpperCase(Locale.ROOT));
            assertThat(transition.fallback().map(FallbackRecord::reason)).contains(reason);
            assertThat(transition.fallback().map(FallbackRecord::at)).contains(chainTime);
            assertThat(transition.next()).hasValueSatisfying(next -> {
                assertThat(next.status()).isEqualTo(BatchStatus.FALLEN_BACK);
                assertThat(next.version()).isEqualTo(state.lastPublished().version() + 1);
                assertThat(next.updatedAt()).isEqualTo(chainTime);
                assertThat(next.fallbackReason()).startsWith(reason.wireName() + ": ");
            });
        } else {
            assertThat(transition.fallback()).isEmpty();
            assertThat(transition.next()).isEmpty();
        }
    }

    @Test
    void tableCoversEveryDeadlineReasonAndEverySeed() {
        assertThat(deadlines().map(arguments -> (String) arguments.get()[3]).filter(expected -> expected.contains(">")))
                .map(expected -> expected.split(">")[1])
                .contains("unacknowledged", "timed_out");
        assertThat(deadlines().map(arguments -> (String) arguments.get()[0])).containsAll(SEEDS.keySet());
    }

    /** Seed, policy → the next deadline in seconds after submission, "epoch" (due at once) or "none". */
    private static final String NEXT_DEADLINES = """
            ready      | defaults | epoch
            held       | defaults | epoch
            refused_at_estimation | defaults | epoch
            expired    | defaults | none
            clocked    | defaults | none
            mined_only | defaults | none
            sent       | defaults | 120
            acked      | defaults | 4800
            acked      | capped   | 3600
            proven     | defaults | none
            received   | defaults | none
            refused    | defaults | none
            proven_ack_unseen | defaults | none
            """;

    static Stream<Arguments> nextDeadlines() {
        return NEXT_DEADLINES.lines()
                .map(line -> Arrays.stream(line.split("\\|")).map(String::strip).toArray(String[]::new))
                .map(row -> Arguments.of(row[0], row[1], row[2]));
    }

    /**
     * The deadline index relies on this: no chain time before a batch's next deadline changes it, a chain time just past
     * it does, and a batch without one is never changed by any chain time.
     */
    @ParameterizedTest(name = "{0} ({1}) -> next deadline {2}")
    @MethodSource("nextDeadlines")
    void nextDeadlineIsTheFirstChainTimeThatCanChangeTheBatch(final String seed, final String policyName, final String expected) {
        final BatchState state = seeded(seed);
        final DeadlinePolicy policy = policyName.equals("capped") ? CAPPED : DEADLINES;

        final Optional<Instant> next = BatchStateMachine.nextDeadline(state, policy);

        switch (expected) {
            case "none" -> {
                assertThat(next).isEmpty();
                assertThat(deadlines(state, SUBMITTED_AT.plus(Duration.ofDays(365)), policy).state()).isEmpty();
            }
            case "epoch" -> {
                assertThat(next).contains(Instant.EPOCH);
                assertThat(deadlines(state, SUBMITTED_AT, policy).state()).isPresent();
            }
            default -> {
                final Instant deadline = SUBMITTED_AT.plusSeconds(Long.parseLong(expected));
                assertThat(next).contains(deadline);
                assertThat(deadlines(state, deadline.minusSeconds(1), policy).state()).isEmpty();
                assertThat(deadlines(state, deadline, policy).state()).as("the deadline second is in time").isEmpty();
                assertThat(deadlines(state, deadline.plusSeconds(1), policy).state()).isPresent();
            }
        }
    }

    @Test
    void nextDeadlinesCoverEverySeed() {
        assertThat(nextDeadlines().map(arguments -> (String) arguments.get()[0])).containsAll(SEEDS.keySet());
    }

    @Test
    void aBatchThatFellBackOrWhoseRequestWasIssuedHasNoDeadlineOfItsOwnUntilTheRequestIsOnL1() {
        final BatchState issued = deadlines(seeded("ready"), SUBMITTED_AT, DEADLINES).state().orElseThrow();
        final BatchState fallen = deadlines(seeded("sent"), SUBMITTED_AT.plusSeconds(121), DEADLINES).state().orElseThrow();

        assertThat(BatchStateMachine.nextDeadline(issued, DEADLINES)).as("the sender alone decides whether it expires").isEmpty();
        assertThat(BatchStateMachine.nextDeadline(fallen, DEADLINES)).isEmpty();
    }

    @Test
    void theRequestIsIssuedOnceAtTheFirstChainTimeWithItsDeadlineAndNoChainTimeFallsTheBatchBackForIt() {
        final Transition started = deadlines(seeded("ready"), SUBMITTED_AT.plusSeconds(30), DEADLINES);
        final BatchState issued = started.state().orElseThrow();

        final Transition later = deadlines(issued, SUBMITTED_AT.plusSeconds(631), DEADLINES);
        final Transition muchLater = deadlines(issued, SUBMITTED_AT.plus(Duration.ofDays(30)), DEADLINES);

        assertThat(issued.pickUpClockStart()).contains(SUBMITTED_AT.plusSeconds(30));
        assertThat(started.next()).as("the status stays ready_to_be_proven").isEmpty();
        assertThat(started.commands()).singleElement().isInstanceOfSatisfying(SubmitProofRequest.class, request -> {
            assertThat(request.commandId()).isEqualTo(SubmitProofRequest.commandIdFor(BATCH));
            assertThat(request.pickUpDeadline()).contains(SUBMITTED_AT.plusSeconds(630));
        });
        assertThat(later).isEqualTo(Transition.unchanged(Outcome.NOTHING_DUE));
        assertThat(muchLater).isEqualTo(Transition.unchanged(Outcome.NOTHING_DUE));
    }

    @Test
    void theSendersExpiryOfTheRequestIsWhatFallsTheBatchBackAsNotPickedUp() {
        final BatchState issued = deadlines(seeded("ready"), SUBMITTED_AT, DEADLINES).state().orElseThrow();
        final L1TransactionResult expired = new L1TransactionResult(SubmitProofRequest.commandIdFor(BATCH), BATCH.chainId(),
                BATCH.batchNumber(), L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST, L1TransactionResult.Outcome.EXPIRED, null, null,
                null, "not sent: chain time 2026-01-01T00:10:01Z (block 9) is past its deadline", RECORD_TIME);

        final Transition fellBack = BatchStateMachine.apply(Optional.of(issued), tx(expired), RECORD_TIME, POLICY);

        assertThat(fellBack.outcome()).isEqualTo(Outcome.FELL_BACK);
        assertThat(fellBack.fallback().map(FallbackRecord::reason)).contains(FallbackReason.NOT_PICKED_UP);
        assertThat(fellBack.fallback().map(FallbackRecord::detail)).hasValueSatisfying(detail ->
                assertThat(detail).contains("never sent").contains("past its deadline"));
        assertThat(fellBack.commands()).isEmpty();
    }

    @Test
    void anExpiredResultNeverFallsBackABatchWhoseRequestIsOnL1() {
        final BatchState sent = seeded("sent");
        final L1TransactionResult expired = new L1TransactionResult(SubmitProofRequest.commandIdFor(BATCH), BATCH.chainId(),
                BATCH.batchNumber(), L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST, L1TransactionResult.Outcome.EXPIRED, null, null,
                null, "expired", RECORD_TIME);

        final Transition transition = BatchStateMachine.apply(Optional.of(sent), tx(expired), RECORD_TIME, POLICY);

        assertThat(transition.fallback()).isEmpty();
        assertThat(transition.state().orElseThrow().fallenBack()).isEmpty();
    }

    @Test
    void unacknowledgedFallbackNamesTheAssignedNetworkAndTheBatchInputs() {
        final Instant chainTime = SUBMITTED_AT.plusSeconds(121);

        final Transition unacknowledged = deadlines(seeded("sent"), chainTime, DEADLINES);

        final String detail = "lagrange did not acknowledge within 120 s of submission at " + SUBMITTED_AT + " (chain time " + chainTime + ")";
        assertThat(unacknowledged.fallback()).contains(new FallbackRecord(BATCH.chainId(), BATCH.batchNumber(),
                FallbackReason.UNACKNOWLEDGED, detail, ProvingNetwork.LAGRANGE, BLOB_URL, PROTOCOL, chainTime));
        assertThat(unacknowledged.next().orElseThrow().fallbackReason()).isEqualTo("unacknowledged: " + detail);
        assertThat(unacknowledged.state().orElseThrow().fallenBack()).isEqualTo(unacknowledged.fallback());
    }

    @Test
    void lateEventsAfterAnUnacknowledgedFallbackNeverMoveTheBatchBackAndALateProofIsStillAnswered() {
        final BatchState fallen = deadlines(seeded("sent"), SUBMITTED_AT.plusSeconds(121), DEADLINES)
                .state().orElseThrow();

        final Transition lateAck = BatchStateMachine.apply(Optional.of(fallen), on(BatchFixtures.acknowledged(BATCH)), RECORD_TIME, POLICY);
        final Transition lateProof = BatchStateMachine.apply(lateAck.state(), on(BatchFixtures.proven(BATCH)), RECORD_TIME, POLICY);
        final Transition lateVerdict = BatchStateMachine.apply(lateProof.state(),
                new BatchEvent.Verdict(BatchFixtures.verdict(BATCH, true)), RECORD_TIME, POLICY);
        final Transition laterStill = deadlines(lateVerdict.state().orElseThrow(), SUBMITTED_AT.plusSeconds(9_999), DEADLINES);

        for (final Transition late : List.of(lateAck, lateProof, lateVerdict)) {
            assertThat(late.state()).isPresent();
            assertThat(late.state().orElseThrow().lastPublished().status()).isEqualTo(BatchStatus.FALLEN_BACK);
            assertThat(late.state().orElseThrow().lastPublished().fallbackReason()).startsWith("unacknowledged: ");
            assertThat(late.fallback()).isEmpty();
        }
        assertThat(List.of(lateAck, lateProof)).allSatisfy(late -> {
            assertThat(late.outcome()).isEqualTo(Outcome.LATE_AFTER_FALLBACK);
            assertThat(late.commands()).isEmpty();
        });
        assertThat(lateVerdict.outcome()).isEqualTo(Outcome.LATE_PROOF_ANSWERED);
        assertThat(lateVerdict.commands()).singleElement().isInstanceOfSatisfying(SubmitProofValidationResult.class,
                command -> assertThat(command.proofValid()).isTrue());
        assertThat(lateVerdict.next()).as("the history records the proof, the status stays fallen_back")
                .hasValueSatisfying(next -> assertThat(next.proofBlobUrl()).isNotNull());
        assertThat(lateVerdict.state().orElseThrow().liveEvents()).hasSize(3);
        assertThat(laterStill).isEqualTo(Transition.unchanged(Outcome.NOTHING_DUE));
    }

    @Test
    void deadlinePolicyRefusesNonPositiveDurations() {
        assertThatThrownBy(() -> new DeadlinePolicy(Duration.ZERO, Duration.ofSeconds(120), Duration.ofHours(2)))
                .hasMessageContaining("notPickedUp");
        assertThatThrownBy(() -> new DeadlinePolicy(Duration.ofMinutes(10), Duration.ofSeconds(-1), Duration.ofHours(2)))
                .hasMessageContaining("acknowledge");
        assertThat(DeadlinePolicy.defaults().proving(Duration.ofHours(3))).isEqualTo(Duration.ofHours(2));
    }

    /** The state after readiness at RECORD_TIME and the seed's events; "clocked" with its pick-up clock started at SUBMITTED_AT. */
    private static BatchState seeded(final String seed) {
        final List<BatchEvent> all = new ArrayList<>(List.of(new BatchEvent.Ready(BatchFixtures.readiness(BATCH))));
        all.addAll(SEEDS.get(seed));
        Optional<BatchState> state = Optional.empty();
        for (final BatchEvent event : all) {
            final Optional<BatchState> before = state;
            state = BatchStateMachine.apply(state, event, RECORD_TIME, POLICY).state().or(() -> before);
        }
        final BatchState seeded = state.orElseThrow();
        return seed.equals("clocked") ? seeded.withPickUpClockStart(SUBMITTED_AT) : seeded;
    }

    private static List<BatchEvent> events(final BatchEvent... events) {
        return List.of(events);
    }

    private static BatchEvent on(final L1Event event) {
        return new BatchEvent.OnChain(event);
    }

    private static BatchEvent tx(final L1TransactionResult result) {
        return new BatchEvent.TxResult(result);
    }
}
