package io.ethproofmanager.sandbox.simulate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulate}: the manager as real JVMs against a local anvil, two simulated proving networks and seeded faults,
 * checked from outside by the oracle; exits 1 on a violation, 2 when the time limit hit first.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Runs the manager as real processes under seeded faults and checks the outcome from the chain, PostgreSQL,"
                + " the topics and the status API; exit code 1 on a violation, 2 when not every batch was final in time, 3 when the local node lost a block in a reorg (anvil's fault: no verdict on the manager).")
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--batches", defaultValue = "100", description = "ready batches to seed (default ${DEFAULT-VALUE})")
    private int batches;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the fault schedule, the networks' behaviour and the data (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--faults", defaultValue = "all",
            description = "all, none, or a comma-separated list of: kill, rpc-fail, rpc-timeout, rpc-slow, rpc-drop, rpc-range-limit,"
                    + " reorg, fee-spike, broker-stop, postgres-stop, blob-write-failure (default ${DEFAULT-VALUE})")
    private String faults;

    @Option(names = "--time-limit", defaultValue = "PT20M", description = "ISO-8601 duration, e.g. PT10M (default ${DEFAULT-VALUE})")
    private Duration timeLimit;

    @Option(names = "--fault-window", description = "ISO-8601 duration over which faults are spread (default: 60 s + 0.6 s a batch)")
    private Duration faultWindow;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where the chain, servers, managers' data and logs go (default: a new temporary directory)")
    private Path dataDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "settings with epm.kafka.bootstrap-servers and/or epm.database.url (and user, password) to use external ones")
    private Path config;

    @Option(names = "--networks", defaultValue = "valid=6,invalid=1,wrongVersion=1,late=1,refuse=1,silent=1,ignore=1,claimEvery=3,claimInterval=20",
            description = "behaviour mix of the simulated Fermah and Lagrange (default ${DEFAULT-VALUE})")
    private String networks;

    @Option(names = "--chain-speed", defaultValue = "20", description = "seconds of chain time a second (default ${DEFAULT-VALUE})")
    private int chainSpeed;

    @Option(names = "--seed-rate", defaultValue = "2", description = "batches seeded a second (default ${DEFAULT-VALUE})")
    private double seedRate;

    @Option(names = "--managers", defaultValue = "1", description = "manager JVMs (default ${DEFAULT-VALUE})")
    private int managers;

    @Option(names = "--preferred-network", defaultValue = "fermah",
            description = "the contract's preferred network, assigned requests 3 and 4 of every 4: fermah, lagrange or none (default ${DEFAULT-VALUE})")
    private String preferredNetwork;

    @Option(names = "--proof-timeout", defaultValue = "600", description = "proving deadline of the requests, chain seconds (121..7200; default ${DEFAULT-VALUE})")
    private long proofTimeout;

    @Override
    public Integer call() throws Exception {
        if (batches < 1 || managers < 1 || chainSpeed < 1 || seedRate <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--batches, --managers, --chain-speed and --seed-rate must be positive");
        }
        final Simulation.Options options = new Simulation.Options(batches, seed, FaultKind.parse(faults), timeLimit,
                Optional.ofNullable(dataDir), Optional.ofNullable(config), networks, chainSpeed, seedRate, managers, preferredNetwork,
                Duration.ofSeconds(proofTimeout),
                faultWindow != null ? faultWindow : Duration.ofMillis(60_000 + 600L * batches));
        return Simulation.run(options, System.out).exitCode();
    }
}
