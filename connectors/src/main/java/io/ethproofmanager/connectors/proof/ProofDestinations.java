package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.connectors.blob.BlobStore;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Where each rollup chain's received proofs go: the chain's public blob store, which keeps every proof, and its hand-off
 * to the rollup ({@link RollupHandoff}) when on. A proof of a chain with no destination is not handled (the L1 log
 * ingester publishes only the configured chains' events).
 */
public final class ProofDestinations {

    /** One chain's destinations. */
    public record Chain(BlobStore publicStore, Optional<RollupHandoff> handoff) {

        public Chain {
            Objects.requireNonNull(publicStore, "publicStore");
            Objects.requireNonNull(handoff, "handoff");
        }
    }

    private final LongFunction<Optional<Chain>> chains;
    private final String description;

    private ProofDestinations(final LongFunction<Optional<Chain>> chains, final String description) {
        this.chains = chains;
        this.description = description;
    }

    /** The destinations of the configured chains, by chain id. */
    public static ProofDestinations of(final Map<Long, Chain> byChain) {
        final Map<Long, Chain> copy = Map.copyOf(byChain);
        return new ProofDestinations(chain -> Optional.ofNullable(copy.get(chain)), "chains " + copy.keySet());
    }

    /** The same destinations for every chain. */
    public static ProofDestinations everyChain(final BlobStore publicStore, final Optional<RollupHandoff> handoff) {
        final Optional<Chain> chain = Optional.of(new Chain(publicStore, handoff));
        return new ProofDestinations(id -> chain, "every chain: " + publicStore);
    }

    /** Chain {@code chainId}'s destinations, when it is configured. */
    public Optional<Chain> forChain(final long chainId) {
        return chains.apply(chainId);
    }

    @Override
    public String toString() {
        return "ProofDestinations[" + description + "]";
    }
}
