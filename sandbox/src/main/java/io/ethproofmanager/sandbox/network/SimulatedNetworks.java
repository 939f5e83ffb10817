package io.ethproofmanager.sandbox.network;

import java.util.Objects;

/** The two simulated proving networks of a local chain, Fermah and Lagrange, stopped together. */
public record SimulatedNetworks(SimulatedProvingNetwork fermah, SimulatedProvingNetwork lagrange) implements AutoCloseable {

    public SimulatedNetworks {
        Objects.requireNonNull(fermah, "fermah");
        Objects.requireNonNull(lagrange, "lagrange");
    }

    /** Stops both networks; Fermah is stopped even when stopping Lagrange fails. */
    @Override
    public void close() {
        try {
            lagrange.close();
        } finally {
            fermah.close();
        }
    }
}
