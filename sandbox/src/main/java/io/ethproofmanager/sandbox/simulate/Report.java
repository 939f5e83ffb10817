package io.ethproofmanager.sandbox.simulate;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Prints a simulation's report: the run, the faults injected by kind, every check, and each violation with its batch's history. */
final class Report {

    private Report() {
    }

    static void print(final PrintStream out, final Simulation.Options options, final Path dir, final FaultSchedule schedule,
            final List<String> faultLog, final Simulation.Result result, final RpcProxy proxy, final ChainControl chain) {
        final Oracle.Verdict verdict = result.verdict();
        out.println();
        out.println("Simulation report");
        out.printf("  batches %d, seed %d, faults %s, managers %d, networks '%s', chain speed %d, preferred network %s%n",
                options.batches(), options.seed(), options.faults().stream().map(FaultKind::key).toList(), options.managers(),
                options.networkMix(), options.chainSpeed(), options.preferredNetwork());
        out.printf("  run time %.1f s, %s; data in %s%n", result.runTime().toMillis() / 1000.0,
                result.finished() ? "every batch final" : "time limit hit or not every batch final", dir);
        out.println();
        out.println("  faults injected by kind (scheduled / injected):");
        final Map<FaultKind, Integer> scheduled = schedule.countsByKind();
        for (final FaultKind kind : FaultKind.values()) {
            if (scheduled.containsKey(kind) || result.injected().containsKey(kind)) {
                out.printf("    %-20s %3d / %3d%n", kind.key(), scheduled.getOrDefault(kind, 0), result.injected().getOrDefault(kind, 0));
            }
        }
        out.printf("    manager restarts: %d; RPC proxy: %d requests forwarded, %d disturbed; reorgs moved %d transactions%n",
                result.restarts(), proxy.forwarded(), proxy.disturbed(), chain.reorgedTransactions());
        final List<String> overlaps = schedule.overlaps();
        out.printf("    planned overlaps of faults on different targets: %d%s%n", overlaps.size(),
                overlaps.isEmpty() ? "" : " (" + String.join(", ", overlaps.stream().limit(12).toList())
                        + (overlaps.size() > 12 ? ", ..." : "") + ")");
        final List<Double> ready = result.readyAfterKill();
        if (!ready.isEmpty()) {
            out.printf("    time to ready after each kill (s): %s; max %.1f s%n",
                    String.join(", ", ready.stream().map(t -> String.format("%.1f", t)).toList()),
                    ready.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
        out.printf("    late proofs (behaviour late, sent after the deadline): %d, refused by the contract: %d%n", result.lateProofs(),
                result.lateProofsRefused());
        faultLog.forEach(line -> out.println("      " + line));
        out.println();
        out.println("  outcomes (PostgreSQL rows):");
        verdict.rowOutcomes().forEach((outcome, count) -> out.printf("    %-60s %5d%n", outcome, count));
        out.println("  outcomes (contract's proofRequest status):");
        verdict.chainOutcomes().forEach((outcome, count) -> out.printf("    %-60s %5d%n", outcome, count));
        out.printf("  submitter transactions on chain: %d, reverted: %d%n", verdict.submitterTransactions(),
                verdict.revertedSubmitterTransactions());
        out.printf("  the oracle's final check took %.1f s%n", result.checkTime().toMillis() / 1000.0);
        out.println();
        out.println("  checks:");
        for (final Oracle.Check check : verdict.checks()) {
            out.printf("    [%s] %s (%d examined, %d violations)%n", check.violations.isEmpty() ? " ok " : "FAIL", check.name,
                    check.examined, check.violations.size());
        }
        if (!verdict.unfinished().isEmpty()) {
            out.println("  unfinished (not past a deadline when the run ended): " + verdict.unfinished());
        }
        final List<Oracle.Violation> violations = verdict.violations();
        if (!violations.isEmpty()) {
            out.println();
            out.println("  violations (" + violations.size() + "):");
            violations.stream().limit(200).forEach(v -> out.println("    " + (v.batch() == null ? "" : "batch " + v.batch() + ": ")
                    + v.message() + "  [" + v.check() + "]"));
            out.println();
            out.println("  histories of the batches concerned (first " + verdict.histories().size() + "):");
            verdict.histories().forEach((batch, lines) -> {
                out.println("    batch " + batch + ":");
                lines.forEach(line -> out.println("      " + line));
            });
        }
        if (!result.nodeFaults().isEmpty()) {
            out.println();
            out.println("  node faults (the local anvil's, not the manager's: a manager cannot read past a lost block, so what"
                    + " follows one is no verdict on the manager):");
            result.nodeFaults().forEach(fault -> out.println("    " + fault));
        }
        out.println();
        out.printf("  result: %s (exit code %d); replay with: simulate --batches %d --seed %d --faults %s%n",
                !result.nodeFaults().isEmpty() ? "NODE FAULT, " + violations.size() + " violations"
                        : violations.isEmpty() ? (result.finished() ? "PASSED" : "UNFINISHED") : violations.size() + " VIOLATIONS",
                result.exitCode(), options.batches(), options.seed(),
                options.faults().isEmpty() ? "none" : String.join(",", options.faults().stream().map(FaultKind::key).toList()));
        out.flush();
    }
}
