package io.ethproofmanager.connectors.blob;

import java.util.Objects;

/** Checks of object keys shared by the blob stores: relative, slash-separated, without {@code .} or {@code ..} segments. */
final class BlobKeys {

    private BlobKeys() {
    }

    /** Returns {@code key} when it is a safe relative key; throws {@link IllegalArgumentException} otherwise. */
    static String checked(final String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("blob key must not be blank");
        }
        if (key.startsWith("/") || key.endsWith("/") || key.contains("\\") || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("blob key must be a relative slash-separated path, was '" + key + "'");
        }
        for (final String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("blob key must not contain empty, '.' or '..' segments, was '" + key + "'");
            }
        }
        return key;
    }

    /** The key of {@code location}: the location itself, or what follows {@code urlBase} when it is one of our URLs. */
    static String keyOf(final String location, final String urlBase) {
        Objects.requireNonNull(location, "location");
        return checked(location.startsWith(urlBase) ? location.substring(urlBase.length()) : location);
    }

    /** {@code base} with exactly one trailing slash. */
    static String withTrailingSlash(final String base) {
        Objects.requireNonNull(base, "publicUrlBase");
        if (base.isBlank()) {
            throw new IllegalArgumentException("publicUrlBase must not be blank");
        }
        return base.endsWith("/") ? base : base + "/";
    }
}
