package io.ethproofmanager.connectors.blob;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Checks of object keys shared by the blob stores: relative, slash-separated, without {@code .} or {@code ..} segments,
 * without control characters, at most {@value #MAX_KEY_BYTES} bytes of UTF-8 (the limit of Cloud Storage object names).
 */
public final class BlobKeys {

    /** The longest key, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 1024;

    /** How much of a rejected key or location an error message shows. */
    private static final int SHOWN_CHARS = 120;

    private BlobKeys() {
    }

    /** Returns {@code key} when it is a safe relative key; throws {@link IllegalArgumentException} otherwise. */
    static String checked(final String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("blob key must not be blank");
        }
        if (key.length() > MAX_KEY_BYTES || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("blob key must be at most " + MAX_KEY_BYTES + " bytes of UTF-8, was "
                    + key.getBytes(StandardCharsets.UTF_8).length + " bytes: " + shown(key));
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("blob key must not contain control characters, was " + shown(key));
        }
        if (key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
            throw new IllegalArgumentException("blob key must be a relative slash-separated path, was " + shown(key));
        }
        for (final String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("blob key must not contain empty, '.' or '..' segments, was " + shown(key));
            }
        }
        return key;
    }

    /**
     * {@code text} fit for a log line or an error message: quoted, control characters escaped as {@code \\uXXXX}, cut
     * after {@value #SHOWN_CHARS} characters with the full length said.
     */
    public static String shown(final String text) {
        final StringBuilder shown = new StringBuilder("'");
        text.codePoints().limit(SHOWN_CHARS).forEach(c -> {
            if (Character.isISOControl(c)) {
                shown.append(String.format("\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        shown.append('\'');
        if (text.length() > SHOWN_CHARS) {
            shown.append("... (").append(text.length()).append(" characters)");
        }
        return shown.toString();
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
