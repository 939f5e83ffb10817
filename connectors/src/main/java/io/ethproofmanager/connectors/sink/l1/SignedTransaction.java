package io.ethproofmanager.connectors.sink.l1;

import java.util.Arrays;
import java.util.Objects;
import org.web3j.utils.Numeric;

/** A signed transaction as persisted before broadcasting: its nonce, hash and raw bytes (enough to broadcast it again). */
record SignedTransaction(long nonce, String hash, byte[] raw) {

    SignedTransaction {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(raw, "raw");
        if (nonce < 0) {
            throw new IllegalArgumentException("nonce must not be negative, was " + nonce);
        }
        raw = raw.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    String rawHex() {
        return Numeric.toHexString(raw);
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof SignedTransaction that && nonce == that.nonce && hash.equals(that.hash)
                && Arrays.equals(raw, that.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nonce, hash, Arrays.hashCode(raw));
    }

    @Override
    public String toString() {
        return "tx " + hash + " (nonce " + nonce + ")";
    }
}
