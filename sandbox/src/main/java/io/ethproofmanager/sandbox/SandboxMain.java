package io.ethproofmanager.sandbox;

import io.ethproofmanager.app.Main;
import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.devkit.embedded.OrderedShutdown;
import io.ethproofmanager.sandbox.bench.BenchCommand;
import io.ethproofmanager.sandbox.network.NetworkCommand;
import io.ethproofmanager.sandbox.simulate.SimulateCommand;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sandbox's command line ({@code ./run.sh}): with no subcommand it starts the manager, on embedded servers for every
 * endpoint not configured, and with {@code --demo-batches N} the demo; {@code bench} measures it; {@code network} acts
 * as a proving network on a local chain; {@code deploy-contracts} deploys our contracts to a node.
 */
@Command(name = "eth-proof-manager", mixinStandardHelpOptions = true, version = "eth-proof-manager 0.1.0",
        description = "Hands a ZK rollup's batches to external proving networks through the L1 proof manager contract.",
        subcommands = {BenchCommand.class, NetworkCommand.class, DeployContractsCommand.class, SimulateCommand.class})
public final class SandboxMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxMain.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "settings file (HOCON or JSON) over the defaults; see README for every key and its environment variable")
    private Path config;

    @Option(names = "--demo-batches", paramLabel = "N", defaultValue = "0",
            description = "insert N ready batches with generated proof inputs into proof_generation_details at start")
    private int demoBatches;

    @Option(names = "--exit-when-done", description = "with --demo-batches: print a summary and exit once every demo batch reached its final status (validated or fallen back; with --networks off: once its proof request is on L1)")
    private boolean exitWhenDone;

    @Option(names = "--seed", defaultValue = "42", description = "random seed of the demo's generated data and networks")
    private long seed;

    @Option(names = "--networks", defaultValue = "valid=6,invalid=1,wrongVersion=1,refuse=1,silent=1,ignore=1",
            description = "behaviour mix of the simulated Fermah and Lagrange networks on the local chain, embedded or an anvil development node (with --demo-batches); 'off' for none")
    private String networks;

    @Option(names = "--demo-proof-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "demo with simulated networks: the proving deadline of its proof requests (the contract accepts 121..7200)")
    private long demoProofTimeout;

    @Option(names = "--chain-speed", defaultValue = "20",
            description = "demo with simulated networks: seconds of chain time per second (a block a second), so that deadlines pass in demo time")
    private int chainSpeed;

    @Option(names = "--chains", defaultValue = "1", paramLabel = "N",
            description = "rollup chains served on the one contract (ids epm.chain-id, +1, ...), each with its proof_generation_details"
                    + " in the schema rollup_<id> and its blobs in <data dir>/blobs/rollup-<id>; the demo seeds --demo-batches into each")
    private int chains;

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return Main.commandLine(new SandboxMain());
    }

    @Override
    public Integer call() throws Exception {
        if (demoBatches < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--demo-batches must not be negative");
        }
        final Config loaded;
        try {
            loaded = DemoChains.withChains(ManagerSettings.loadConfig(Optional.ofNullable(config)), chains);
        } catch (final IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        // the simulated networks and the fast chain clock need a local chain: the embedded one or a development node
        final boolean localChain = loaded.getString("epm.l1.rpc-url").isBlank() || loaded.getBoolean("epm.sandbox.development-node");
        final boolean simulated = demoBatches > 0 && !"off".equals(networks) && localChain;
        final CountDownLatch stopped = new CountDownLatch(1);
        final LocalManager manager = LocalManager.start(loaded,
                settings -> simulated ? settings.withProofTimeout(java.time.Duration.ofSeconds(demoProofTimeout)) : settings);
        final Optional<String> mix = simulated ? Optional.of(networks) : Optional.empty();
        final Optional<DemoRun> demo;
        try {
            demo = demoBatches > 0
                    ? Optional.of(DemoRun.start(manager.service(), manager.localChain(), demoBatches, seed, mix, chainSpeed))
                    : Optional.empty();
        } catch (final RuntimeException e) {
            manager.close();
            throw e;
        }
        final AutoCloseable running = () -> {
            try {
                demo.ifPresent(DemoRun::close);
            } finally {
                manager.close();
            }
        };
        // the embedded servers' own last-resort hooks wait for this one, which stops them after their clients
        final OrderedShutdown.Owner owner = OrderedShutdown.declareOwner("epm-shutdown");
        final Thread shutdownHook = new Thread(() -> {
            LOG.info("shutting down");
            try {
                running.close();
            } catch (final Exception e) {
                LOG.warn("shutting down failed: {}", e.toString());
            } finally {
                owner.finished();
                stopped.countDown();
            }
        }, "epm-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            if (exitWhenDone && demo.isPresent()) {
                final boolean done = mix.isPresent() ? demo.get().awaitAllFinal() : demo.get().awaitAllRequested();
                demo.get().printSummary(System.out);
                return done ? 0 : 2;
            }
            stopped.await();
            return 0;
        } finally {
            if (stopped.getCount() > 0) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
                try {
                    running.close();
                } finally {
                    owner.finished();
                }
            }
        }
    }
}
