package io.ethproofmanager.sandbox.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    @Test
    void theSameSeedGivesTheSameScheduleAndEveryKindAtLeastOnce() {
        final FaultSchedule first = FaultSchedule.generate(7, EnumSet.allOf(FaultKind.class), Duration.ofSeconds(60), 15, 3_000_000_000L);
        final FaultSchedule again = FaultSchedule.generate(7, EnumSet.allOf(FaultKind.class), Duration.ofSeconds(60), 15, 3_000_000_000L);
        final FaultSchedule other = FaultSchedule.generate(8, EnumSet.allOf(FaultKind.class), Duration.ofSeconds(60), 15, 3_000_000_000L);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(first.faults()).hasSize(15);
        assertThat(first.countsByKind().keySet()).containsExactlyInAnyOrder(FaultKind.values());
        assertThat(first.faults()).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
        assertThat(first.faults()).filteredOn(f -> f.kind() == FaultKind.REORG)
                .allSatisfy(f -> assertThat(f.size()).isBetween(1L, 5L));
        assertThat(first.faults()).filteredOn(f -> f.kind() == FaultKind.FEE_SPIKE)
                .allSatisfy(f -> assertThat(f.size()).isGreaterThanOrEqualTo(3_000_000_000L));
    }

    @Test
    void aboutAThirdOfTheFaultsBeginWhileAFaultOnAnotherTargetIsOn() {
        final FaultSchedule schedule = FaultSchedule.generate(7, EnumSet.allOf(FaultKind.class), Duration.ofSeconds(660), 100,
                3_000_000_000L);

        assertThat(schedule.overlaps()).isEqualTo(FaultSchedule.generate(7, EnumSet.allOf(FaultKind.class),
                Duration.ofSeconds(660), 100, 3_000_000_000L).overlaps());
        assertThat(schedule.overlaps()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(schedule.faults()).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
        assertThat(schedule.faults()).extracting(FaultSchedule.Fault::index)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 100).boxed().toList());
        // a fault on the RPC proxy while the broker is stopped, for example
        final List<FaultSchedule.Fault> faults = schedule.faults();
        assertThat(faults).anySatisfy(broker -> {
            assertThat(broker.kind()).isEqualTo(FaultKind.BROKER_STOP);
            assertThat(faults).anySatisfy(other -> assertThat(broker.overlaps(other)).isTrue());
        });
        assertThat(FaultKind.RPC_FAIL.target()).isEqualTo(FaultKind.RPC_DROP.target()).isNotEqualTo(FaultKind.BROKER_STOP.target());
    }

    @Test
    void overlapsSpreadOverTheRunInsteadOfBunchingNearItsStart() {
        for (final long seed : new long[] {7, 11, 23}) {
            final FaultSchedule schedule = FaultSchedule.generate(seed, EnumSet.allOf(FaultKind.class), Duration.ofSeconds(660),
                    100, 3_000_000_000L);
            // faults are drawn uniformly over 5 s .. 665 s: each fifth of the run holds about 20 of the 100
            for (int fifth = 0; fifth < 5; fifth++) {
                final long from = 5 + fifth * 132L;
                final long to = from + 132;
                assertThat(schedule.faults()).as("seed %d, faults in [%d s, %d s)", seed, from, to)
                        .filteredOn(f -> f.at().toSeconds() >= from && f.at().toSeconds() < to)
                        .hasSizeBetween(10, 32);
            }
            // and so do the overlaps: not all in the first minutes
            assertThat(schedule.overlaps()).as("seed %d", seed).hasSizeGreaterThanOrEqualTo(20);
            final List<FaultSchedule.Fault> faults = schedule.faults();
            assertThat(faults.stream().filter(f -> f.at().toSeconds() >= 335)
                    .filter(f -> faults.stream().anyMatch(f::overlaps)).count()).as("seed %d: overlaps in the second half", seed)
                    .isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void faultsAreAllNoneOrAList() {
        assertThat(FaultKind.parse("all")).containsExactlyInAnyOrder(FaultKind.values());
        assertThat(FaultKind.parse("none")).isEmpty();
        assertThat(FaultKind.parse("kill, reorg")).containsExactlyInAnyOrder(FaultKind.MANAGER_KILL, FaultKind.REORG);
        assertThat(FaultSchedule.generate(1, EnumSet.noneOf(FaultKind.class), Duration.ofSeconds(60), 10, 1).faults()).isEmpty();
        assertThatThrownBy(() -> FaultKind.parse("meteor")).hasMessageContaining("unknown fault 'meteor'");
    }
}
