package io.ethproofmanager.sandbox;

import com.typesafe.config.Config;
import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.app.ProofManagerService;
import io.ethproofmanager.devkit.chain.LocalChain;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The manager as {@code ./run.sh} runs it: the service of app/ on the configured endpoints, and on the devkit's embedded
 * servers for the rest. Closing stops the service first, then the servers it used.
 */
public final class LocalManager implements AutoCloseable {

    private final LocalInfrastructure infrastructure;
    private final ProofManagerService service;

    private LocalManager(final LocalInfrastructure infrastructure, final ProofManagerService service) {
        this.infrastructure = infrastructure;
        this.service = service;
    }

    /** Starts the embedded servers {@code config} (resolved) needs, then the service with {@code adjust}ed settings. */
    public static LocalManager start(final Config config, final UnaryOperator<ManagerSettings> adjust) {
        final LocalInfrastructure infrastructure = LocalInfrastructure.start(config);
        try {
            final ManagerSettings settings = adjust.apply(ManagerSettings.from(infrastructure.config()));
            return new LocalManager(infrastructure, ProofManagerService.start(settings));
        } catch (final RuntimeException e) {
            infrastructure.close();
            throw e;
        }
    }

    public ProofManagerService service() {
        return service;
    }

    public ManagerSettings settings() {
        return service.settings();
    }

    /** The local chain, when there is one (embedded, or an attached development node): what the demo's networks drive. */
    public Optional<LocalChain> localChain() {
        return infrastructure.localChain();
    }

    @Override
    public void close() {
        try {
            service.close();
        } finally {
            infrastructure.close();
        }
    }
}
