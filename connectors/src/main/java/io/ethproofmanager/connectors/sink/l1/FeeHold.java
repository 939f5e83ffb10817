package io.ethproofmanager.connectors.sink.l1;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A lane held by the fee cap: its lowest command {@code commandId} is not sent because the fee quoted for it
 * ({@code quotedMaxFeePerGas}, the latest quote) is above the cap ({@code capMaxFeePerGas}); held since {@code since}
 * (its later commands wait behind it).
 */
public record FeeHold(String commandId, BigInteger quotedMaxFeePerGas, BigInteger capMaxFeePerGas, Instant since) {

    public FeeHold {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(quotedMaxFeePerGas, "quotedMaxFeePerGas");
        Objects.requireNonNull(capMaxFeePerGas, "capMaxFeePerGas");
        Objects.requireNonNull(since, "since");
    }

    /** The same hold with a newer quote (held since the first). */
    FeeHold requoted(final BigInteger quote) {
        return new FeeHold(commandId, quote, capMaxFeePerGas, since);
    }

    /** One line for a log or the {@code /ready} detail. */
    String describe(final Instant now) {
        return "held by the fee cap since " + since + " (" + Duration.between(since, now).toSeconds() + " s): " + commandId
                + " quoted maxFeePerGas " + quotedMaxFeePerGas + " wei, above the cap of " + capMaxFeePerGas
                + " wei (epm.l1.max-fee-per-gas-cap)";
    }
}
