package io.ethproofmanager.schemas;

/** The rollup protocol version a batch was produced under (semantic: major.minor.patch). */
public record ProtocolVersion(int major, int minor, int patch) {

    public ProtocolVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("protocol version parts must not be negative: " + major + "." + minor + "." + patch);
        }
    }

    /** Parses {@code "0.28.1"}. */
    public static ProtocolVersion parse(final String text) {
        final String[] parts = text.trim().split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("protocol version must look like major.minor.patch, was '" + text + "'");
        }
        return new ProtocolVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
