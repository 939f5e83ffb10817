package io.ethproofmanager.sandbox.simulate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The faults of a run, derived from the seed alone: each kind asked for at least once, then more drawn at random, at
 * sorted offsets from the start of the run within {@code window}. The same seed, kinds, window and count give the same
 * schedule, so a failing seed replays. About a third of the faults (drawn from the seed) are moved to begin while one
 * of the few faults just before them on another target is still on, so that faults overlap (an RPC fault during a broker
 * restart, a kill during a PostgreSQL stop) where they were drawn, not all near the start of the run; the injector
 * applies the faults of one target one after the other and those of different targets side by side.
 */
public record FaultSchedule(List<Fault> faults) {

    /** One fault: when (from the start of the run), what, how long it lasts, and its size (reorg depth, delay ms, ...). */
    public record Fault(int index, Duration at, FaultKind kind, Duration duration, long size) {

        @Override
        public String toString() {
            return "#" + index + " at " + at.toSeconds() + " s: " + describe();
        }

        public String describe() {
            return switch (kind) {
                case MANAGER_KILL -> "kill -9 the manager, restart after " + duration.toMillis() + " ms";
                case REORG -> "reorg of depth " + size;
                case RPC_SLOW -> kind.key() + " by " + size + " ms a request for " + duration.toSeconds() + " s";
                case FEE_SPIKE -> kind.key() + " to " + size + " wei for " + duration.toSeconds() + " s";
                default -> kind.key() + " for " + duration.toSeconds() + " s";
            };
        }

        /** How long the fault is expected to disturb: its duration, and for a kill the restart until ready (about 10 s). */
        public Duration extent() {
            return switch (kind) {
                case MANAGER_KILL -> duration.plus(KILL_RESTART);
                case REORG -> Duration.ofSeconds(1);
                default -> duration;
            };
        }

        /** Whether this fault and {@code other} act on different targets and their planned times overlap. */
        public boolean overlaps(final Fault other) {
            return !kind.target().equals(other.kind.target()) && at.compareTo(other.at.plus(other.extent())) < 0
                    && other.at.compareTo(at.plus(extent())) < 0;
        }
    }

    /** What a kill's restart until ready is planned to take. */
    static final Duration KILL_RESTART = Duration.ofSeconds(10);
    /** The share of faults moved to begin during an earlier fault on another target. */
    private static final double OVERLAP_SHARE = 0.33;
    /**
     * How many of the latest earlier faults on another target a moved fault may be moved into: a moved fault stays near
     * where it was drawn, so that overlaps spread over the run like the faults themselves.
     */
    private static final int OVERLAP_REACH = 3;

    public FaultSchedule {
        faults = List.copyOf(Objects.requireNonNull(faults, "faults"));
    }

    /** The schedule of {@code count} faults (at least one per kind) over {@code window}, from {@code seed}. */
    public static FaultSchedule generate(final long seed, final Set<FaultKind> kinds, final Duration window, final int count,
            final long spikeBaseFeeWei) {
        if (kinds.isEmpty()) {
            return new FaultSchedule(List.of());
        }
        final Random random = new Random(seed * 0x9E3779B97F4A7C15L + 11);
        final List<FaultKind> ordered = new ArrayList<>(List.copyOf(kinds.stream().sorted().toList()));
        java.util.Collections.shuffle(ordered, random);
        final List<FaultKind> drawn = new ArrayList<>(ordered);
        while (drawn.size() < count) {
            drawn.add(ordered.get(random.nextInt(ordered.size())));
        }
        final long windowMillis = Math.max(1_000, window.toMillis());
        final List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            offsets.add(5_000 + (long) (random.nextDouble() * windowMillis));
        }
        offsets.sort(Comparator.naturalOrder());
        final List<Fault> planned = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            final FaultKind kind = drawn.get(i);
            planned.add(new Fault(i + 1, Duration.ofMillis(offsets.get(i)), kind, duration(kind, random), size(kind, random, spikeBaseFeeWei)));
        }
        // overlaps: a fault moved to begin inside one of the latest earlier faults on another target
        for (int i = 1; i < planned.size(); i++) {
            if (random.nextDouble() >= OVERLAP_SHARE) {
                continue;
            }
            final Fault moved = planned.get(i);
            final List<Fault> others = planned.subList(0, i).stream()
                    .filter(f -> !f.kind().target().equals(moved.kind().target())).toList();
            if (others.isEmpty()) {
                continue;
            }
            final List<Fault> earlier = others.subList(Math.max(0, others.size() - OVERLAP_REACH), others.size());
            final Fault during = earlier.get(random.nextInt(earlier.size()));
            final long into = (long) (random.nextDouble() * during.extent().toMillis());
            planned.set(i, new Fault(moved.index(), during.at().plusMillis(into), moved.kind(), moved.duration(), moved.size()));
        }
        final List<Fault> sorted = planned.stream().sorted(Comparator.comparing(Fault::at).thenComparing(Fault::index)).toList();
        final List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            final Fault f = sorted.get(i);
            faults.add(new Fault(i + 1, f.at(), f.kind(), f.duration(), f.size()));
        }
        return new FaultSchedule(faults);
    }

    private static Duration duration(final FaultKind kind, final Random random) {
        return switch (kind) {
            case MANAGER_KILL -> Duration.ofMillis(random.nextInt(3_000));
            case REORG -> Duration.ZERO;
            case RPC_FAIL, RPC_DROP, RPC_RANGE_LIMIT -> Duration.ofSeconds(3 + random.nextInt(8));
            case RPC_TIMEOUT -> Duration.ofSeconds(5 + random.nextInt(10));
            case RPC_SLOW, FEE_SPIKE, BLOB_WRITE_FAILURE -> Duration.ofSeconds(5 + random.nextInt(11));
            case BROKER_STOP, POSTGRES_STOP -> Duration.ofSeconds(3 + random.nextInt(8));
        };
    }

    private static long size(final FaultKind kind, final Random random, final long spikeBaseFeeWei) {
        return switch (kind) {
            case REORG -> 1 + random.nextInt(5);
            case RPC_SLOW -> 300 + random.nextInt(1_700);
            case FEE_SPIKE -> spikeBaseFeeWei + random.nextInt(1_000) * 1_000_000L;
            default -> 0;
        };
    }

    /** The pairs of faults on different targets whose planned times overlap, each as "#a kind-a + #b kind-b". */
    public List<String> overlaps() {
        final List<String> pairs = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            for (int j = i + 1; j < faults.size() && faults.get(j).at().compareTo(faults.get(i).at().plus(faults.get(i).extent())) < 0; j++) {
                if (faults.get(i).overlaps(faults.get(j))) {
                    pairs.add("#" + faults.get(i).index() + " " + faults.get(i).kind().key() + " + #" + faults.get(j).index() + " "
                            + faults.get(j).kind().key());
                }
            }
        }
        return pairs;
    }

    /** The number of faults of each kind. */
    public java.util.Map<FaultKind, Integer> countsByKind() {
        final java.util.Map<FaultKind, Integer> counts = new java.util.EnumMap<>(FaultKind.class);
        faults.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        return counts;
    }
}
