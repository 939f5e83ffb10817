package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a batch key that is exactly in canonical form, {@code {"chainId":271,"batchNumber":7}} (the bytes the topics'
 * key serde writes), without parsing JSON, validating it against its schema and encoding it again to compare; anything
 * else (another form of the same key, a key out of the schema's bounds, no key at all) is left to the full check.
 */
final class CanonicalBatchKey {

    private static final byte[] CHAIN_ID = "{\"chainId\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BATCH_NUMBER = ",\"batchNumber\":".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DIGITS = 18;

    private CanonicalBatchKey() {
    }

    /** The batch {@code bytes} name when they are its canonical key, else empty. */
    static Optional<BatchId> read(final byte[] bytes) {
        if (bytes == null || !startsWith(bytes, 0, CHAIN_ID)) {
            return Optional.empty();
        }
        final int chainIdEnd = digitsEnd(bytes, CHAIN_ID.length);
        if (chainIdEnd < 0 || !startsWith(bytes, chainIdEnd, BATCH_NUMBER)) {
            return Optional.empty();
        }
        final int batchStart = chainIdEnd + BATCH_NUMBER.length;
        final int batchEnd = digitsEnd(bytes, batchStart);
        if (batchEnd < 0 || batchEnd != bytes.length - 1 || bytes[batchEnd] != '}') {
            return Optional.empty();
        }
        final long chainId = number(bytes, CHAIN_ID.length, chainIdEnd);
        final long batchNumber = number(bytes, batchStart, batchEnd);
        return chainId < 1 ? Optional.empty() : Optional.of(new BatchId(chainId, batchNumber));
    }

    private static boolean startsWith(final byte[] bytes, final int at, final byte[] prefix) {
        if (bytes.length - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The end of the canonical decimal number from {@code at} (no sign, no leading zero), or -1 when there is none. */
    private static int digitsEnd(final byte[] bytes, final int at) {
        int end = at;
        while (end < bytes.length && bytes[end] >= '0' && bytes[end] <= '9') {
            end++;
        }
        final int digits = end - at;
        if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && bytes[at] == '0')) {
            return -1;
        }
        return end;
    }

    private static long number(final byte[] bytes, final int from, final int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (bytes[i] - '0');
        }
        return value;
    }
}
