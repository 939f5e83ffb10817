package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** The contract's {@code enum ProvingNetwork { None, Fermah, Lagrange }}; the ordinal is the on-chain value. */
public enum ProvingNetwork {
    NONE("none"),
    FERMAH("fermah"),
    LAGRANGE("lagrange");

    private final String wireName;

    ProvingNetwork(final String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The network for the contract's uint8 enum value. */
    public static ProvingNetwork fromOnChainValue(final int value) {
        if (value < 0 || value >= values().length) {
            throw new IllegalArgumentException("unknown proving network value " + value);
        }
        return values()[value];
    }
}
