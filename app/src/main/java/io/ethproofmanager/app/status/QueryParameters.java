package io.ethproofmanager.app.status;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The query parameters of a request (first value of each name wins); malformed values are an {@link IllegalArgumentException}. */
final class QueryParameters {

    private final Map<String, String> values;

    private QueryParameters(final Map<String, String> values) {
        this.values = values;
    }

    static QueryParameters of(final URI uri) {
        final Map<String, String> values = new HashMap<>();
        Optional.ofNullable(uri.getRawQuery()).ifPresent(query -> {
            for (final String pair : query.split("&")) {
                final int equals = pair.indexOf('=');
                final String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                final String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                values.putIfAbsent(name, value);
            }
        });
        return new QueryParameters(values);
    }

    /** The parameter's value, empty when absent or blank. */
    Optional<String> text(final String name) {
        return Optional.ofNullable(values.get(name)).filter(value -> !value.isBlank());
    }

    /** The parameter as a non-negative int, or {@code fallback} when absent. */
    int integer(final String name, final int fallback) {
        return text(name).map(value -> Math.toIntExact(checkedLong(name, value, Integer.MAX_VALUE))).orElse(fallback);
    }

    /** The parameter as a non-negative long, empty when absent or blank. */
    Optional<Long> optionalLong(final String name) {
        return text(name).map(value -> parseLong(name, value));
    }

    /** Parses a non-negative number named {@code name} (a path segment or a parameter). */
    static long parseLong(final String name, final String value) {
        return checkedLong(name, value, Long.MAX_VALUE);
    }

    private static long checkedLong(final String name, final String value, final long max) {
        final long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
        }
        if (parsed < 0 || parsed > max) {
            throw new IllegalArgumentException(name + " must be between 0 and " + max + ", was " + value);
        }
        return parsed;
    }

    private static String decode(final String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
