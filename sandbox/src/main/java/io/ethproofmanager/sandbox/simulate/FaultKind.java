package io.ethproofmanager.sandbox.simulate;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The faults the simulation injects, by the name {@code --faults} takes. */
public enum FaultKind {
    /** {@code kill -9} of a manager JVM, then a restart on the same data. */
    MANAGER_KILL("kill"),
    /** The RPC proxy answers every request with HTTP 503. */
    RPC_FAIL("rpc-fail"),
    /** The RPC proxy holds every request past the manager's RPC timeouts. */
    RPC_TIMEOUT("rpc-timeout"),
    /** The RPC proxy delays every request. */
    RPC_SLOW("rpc-slow"),
    /** The RPC proxy forwards requests and cuts their answers off (the call took effect, its answer is lost). */
    RPC_DROP("rpc-drop"),
    /** The RPC proxy refuses {@code eth_getLogs} over more than a few blocks. */
    RPC_RANGE_LIMIT("rpc-range-limit"),
    /** A chain reorganisation of depth 1 to 5 ({@code anvil_reorg}) that re-includes the removed transactions re-ordered. */
    REORG("reorg"),
    /** The base fee above the manager's fee cap for a while, then back. */
    FEE_SPIKE("fee-spike"),
    /** The (embedded) Kafka broker stopped for a while, then started. */
    BROKER_STOP("broker-stop"),
    /** The (embedded) PostgreSQL stopped for a while, then started. */
    POSTGRES_STOP("postgres-stop"),
    /** Writes to the public blob store fail for a while. */
    BLOB_WRITE_FAILURE("blob-write-failure");

    private final String key;

    FaultKind(final String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /**
     * What the fault acts on. Faults on the same target are injected one after the other; faults on different targets
     * may overlap (an RPC fault during a broker restart, a kill during a PostgreSQL stop).
     */
    public String target() {
        return switch (this) {
            case MANAGER_KILL -> "managers";
            case RPC_FAIL, RPC_TIMEOUT, RPC_SLOW, RPC_DROP, RPC_RANGE_LIMIT -> "rpc-proxy";
            case REORG -> "chain-history";
            case FEE_SPIKE -> "base-fee";
            case BROKER_STOP -> "broker";
            case POSTGRES_STOP -> "postgres";
            case BLOB_WRITE_FAILURE -> "blob-store";
        };
    }

    /** Whether the fault needs the simulation to own the broker or the database (not possible on external ones). */
    boolean needsEmbedded() {
        return this == BROKER_STOP || this == POSTGRES_STOP;
    }

    /** {@code all}, {@code none} or a comma-separated list of keys. */
    public static Set<FaultKind> parse(final String text) {
        final String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("all")) {
            return EnumSet.allOf(FaultKind.class);
        }
        if (trimmed.equals("none") || trimmed.isEmpty()) {
            return EnumSet.noneOf(FaultKind.class);
        }
        final EnumSet<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (final String part : trimmed.split(",")) {
            kinds.add(byKey(part.trim()));
        }
        return kinds;
    }

    private static FaultKind byKey(final String key) {
        final List<String> known = new ArrayList<>();
        for (final FaultKind kind : values()) {
            if (kind.key.equals(key)) {
                return kind;
            }
            known.add(kind.key);
        }
        throw new IllegalArgumentException("unknown fault '" + key + "'; known: all, none, " + String.join(", ", known));
    }
}
