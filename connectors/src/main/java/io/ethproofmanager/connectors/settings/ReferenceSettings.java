package io.ethproofmanager.connectors.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every key of the merged {@code reference.conf} files on the class path (each module keeps its components' blocks in
 * its own), with its default and the environment variable that overrides it ({@code key = ${?EPM_...}}): what the
 * settings' error messages name and what the README's settings table is checked against.
 */
public final class ReferenceSettings {

    private static final String MARK = "\u0000env:";
    private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();

    /** One key: its default as HOCON renders it (strings unquoted), and its environment variable when it has one. */
    public record Key(String path, String defaultValue, Optional<String> environmentVariable) {
    }

    private ReferenceSettings() {
    }

    /** Every key of the merged reference.conf, by path, in order. */
    public static SortedMap<String, Key> keys() {
        return Holder.KEYS;
    }

    /** The environment variable of {@code path}, when reference.conf names one. */
    public static Optional<String> environmentVariable(final String path) {
        return Optional.ofNullable(Holder.KEYS.get(path)).flatMap(Key::environmentVariable);
    }

    private static final class Holder {
        private static final SortedMap<String, Key> KEYS = read();
    }

    private static SortedMap<String, Key> read() {
        final Config unresolved = ConfigFactory.parseResources(ReferenceSettings.class.getClassLoader(), "reference.conf");
        final Config defaults = unresolved.resolve(ConfigResolveOptions.noSystem());
        // resolved once more with every substitution answered by a mark naming it: the keys an environment variable overrides
        final Config marked = unresolved.resolve(ConfigResolveOptions.noSystem().appendResolver(new Marking()));
        final SortedMap<String, Key> keys = new TreeMap<>();
        for (final Map.Entry<String, ConfigValue> entry : marked.entrySet()) {
            final String path = entry.getKey();
            final Object value = entry.getValue().unwrapped();
            final Optional<String> variable = value instanceof String text && text.startsWith(MARK)
                    ? Optional.of(text.substring(MARK.length())) : Optional.empty();
            keys.put(path, new Key(path, defaults.hasPath(path) ? render(defaults.getValue(path)) : "", variable));
        }
        return Collections.unmodifiableSortedMap(keys);
    }

    private static String render(final ConfigValue value) {
        final Object unwrapped = value.unwrapped();
        return unwrapped instanceof String text ? text : value.render(CONCISE);
    }

    private static final class Marking implements ConfigResolver {

        @Override
        public ConfigValue lookup(final String path) {
            return ConfigValueFactory.fromAnyRef(MARK + path);
        }

        @Override
        public ConfigResolver withFallback(final ConfigResolver fallback) {
            return this;
        }
    }
}
