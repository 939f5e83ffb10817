package io.ethproofmanager.connectors.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads and checks the values of a resolved configuration by their full path ({@code epm.readiness.poll-interval}): a
 * value of the wrong type or out of range fails with the key's path and the environment variable that sets it, as
 * reference.conf names it: {@code invalid configuration: epm.readiness.batch-limit (EPM_READINESS_BATCH_LIMIT) must be
 * positive, was 0}. The one place where settings are validated.
 */
public final class SettingsReader {

    private final Config config;

    private SettingsReader(final Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A reader of {@code resolved}, the whole configuration (the {@code epm} block is one of its paths). */
    public static SettingsReader of(final Config resolved) {
        return new SettingsReader(resolved);
    }

    /**
     * The key as messages name it: its path, and its environment variable in parentheses when it has one; a key inside a
     * list element ({@code epm.chains.1.id}) names the variable of the list ({@code in EPM_CHAINS}).
     */
    public static String describe(final String path) {
        final Optional<String> own = ReferenceSettings.environmentVariable(path);
        if (own.isPresent()) {
            return path + " (" + own.get() + ")";
        }
        for (int dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
            final Optional<String> enclosing = ReferenceSettings.environmentVariable(path.substring(0, dot));
            if (enclosing.isPresent()) {
                return path + " (in " + enclosing.get() + ")";
            }
        }
        return path;
    }

    /** The error for {@code path}: {@code invalid configuration: <path> (<variable>) <problem>}. */
    public static IllegalArgumentException invalid(final String path, final String problem) {
        return new IllegalArgumentException("invalid configuration: " + describe(path) + " " + problem);
    }

    /** The text at {@code path}, trimmed; it may be empty. */
    public String text(final String path) {
        return read(path, "a string", () -> config.getString(path)).trim();
    }

    /** The text at {@code path}, trimmed; empty when blank. */
    public Optional<String> optionalText(final String path) {
        final String text = text(path);
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** The text at {@code path}, which must not be blank. */
    public String requiredText(final String path) {
        return optionalText(path).orElseThrow(() -> invalid(path, "must be set"));
    }

    /** The text at {@code path}, which must be one of {@code allowed}. */
    public String oneOf(final String path, final String... allowed) {
        final String text = text(path);
        if (!Arrays.asList(allowed).contains(text)) {
            throw invalid(path, "must be " + String.join(" or ", allowed) + ", was '" + text + "'");
        }
        return text;
    }

    /**
     * The text at {@code path} as {@code parse} makes it; a value it refuses (by throwing) is reported as not being
     * {@code expected}, with the value shown unless {@code secret}.
     */
    public <T> T parsed(final String path, final String expected, final boolean secret, final Function<String, T> parse) {
        final String text = text(path);
        try {
            return parse.apply(text);
        } catch (final RuntimeException e) {
            throw invalid(path, "must be " + expected + (secret ? "" : ", was '" + text + "'"));
        }
    }

    /**
     * The texts at {@code path}, trimmed, blanks dropped: a list ({@code ["a", "b"]}), or one text of comma-separated
     * items (as an environment variable sets it); the value is never shown in an error when {@code secret}.
     */
    public List<String> textList(final String path, final boolean secret) {
        final ConfigValueType type = read(path, "a list", () -> config.getValue(path).valueType());
        final List<String> items = switch (type) {
            case LIST -> {
                try {
                    yield config.getStringList(path);
                } catch (final ConfigException e) {
                    throw invalid(path, "must be a list of texts" + (secret ? "" : ", was " + shown(path)));
                }
            }
            case STRING -> Arrays.asList(config.getString(path).split(","));
            default -> throw invalid(path, "must be a list or a comma-separated text" + (secret ? "" : ", was " + shown(path)));
        };
        return items.stream().map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    public boolean bool(final String path) {
        return read(path, "true or false", () -> config.getBoolean(path));
    }

    /** A whole number of at least 1. */
    public int positiveInt(final String path) {
        return intBetween(path, 1, Integer.MAX_VALUE);
    }

    public int intBetween(final String path, final int min, final int max) {
        return (int) longBetween(path, min, max);
    }

    /** A whole number of at least 1. */
    public long positiveLong(final String path) {
        return longBetween(path, 1, Long.MAX_VALUE);
    }

    public long longBetween(final String path, final long min, final long max) {
        return between(path, read(path, "a whole number", () -> config.getLong(path)), min, max);
    }

    /** A size in bytes ({@code 256MiB} or a number) from {@code min} to {@code max}. */
    public long bytesBetween(final String path, final long min, final long max) {
        return between(path, read(path, "a size in bytes (256MiB, 1048576)", () -> config.getBytes(path)), min, max);
    }

    /** A whole number of any size, at least {@code min}. */
    public BigInteger bigIntegerAtLeast(final String path, final BigInteger min) {
        final BigInteger value = parsed(path, "a whole number", false, BigInteger::new);
        if (value.compareTo(min) < 0) {
            throw invalid(path, (min.signum() == 0 ? "must not be negative" : min.equals(BigInteger.ONE) ? "must be positive"
                    : "must be at least " + min) + ", was " + value);
        }
        return value;
    }

    /** A duration ({@code 10s}, {@code 500ms}) above zero. */
    public Duration positiveDuration(final String path) {
        final Duration value = duration(path);
        if (value.isNegative() || value.isZero()) {
            throw invalid(path, "must be positive, was " + format(value));
        }
        return value;
    }

    /** A positive duration from {@code min} to {@code max}. */
    public Duration durationBetween(final String path, final Duration min, final Duration max) {
        final Duration value = positiveDuration(path);
        if (value.compareTo(min) < 0) {
            throw invalid(path, "must be at least " + format(min) + ", was " + format(value));
        }
        if (value.compareTo(max) > 0) {
            throw invalid(path, "must be at most " + format(max) + ", was " + format(value));
        }
        return value;
    }

    /** A positive duration of at least {@code min}. */
    public Duration durationAtLeast(final String path, final Duration min) {
        return durationBetween(path, min, Duration.ofSeconds(Long.MAX_VALUE));
    }

    /** A duration as reference.conf writes them: {@code 90s}, {@code 500ms}. */
    public static String format(final Duration duration) {
        return duration.toNanosPart() % 1_000_000 != 0 ? duration.toNanos() + "ns"
                : duration.toMillisPart() != 0 ? duration.toMillis() + "ms" : duration.toSeconds() + "s";
    }

    private Duration duration(final String path) {
        return read(path, "a duration (10s, 500ms, 5m)", () -> config.getDuration(path));
    }

    private static long between(final String path, final long value, final long min, final long max) {
        if (value < min) {
            throw invalid(path, (min == 0 ? "must not be negative" : min == 1 ? "must be positive" : "must be at least " + min)
                    + ", was " + value);
        }
        if (value > max) {
            throw invalid(path, "must be at most " + max + ", was " + value);
        }
        return value;
    }

    private <T> T read(final String path, final String expected, final Supplier<T> value) {
        try {
            return value.get();
        } catch (final ConfigException.Missing e) {
            throw invalid(path, "is missing (every key has a default in reference.conf)");
        } catch (final ConfigException e) {
            throw invalid(path, "must be " + expected + ", was " + shown(path));
        }
    }

    private String shown(final String path) {
        try {
            return config.getValue(path).render(ConfigRenderOptions.concise());
        } catch (final ConfigException e) {
            return "unreadable";
        }
    }

    /** {@code paths} as messages name them ({@link #describe}), separated by commas. */
    public static String describeAll(final List<String> paths) {
        return String.join(", ", paths.stream().map(SettingsReader::describe).toList());
    }
}
