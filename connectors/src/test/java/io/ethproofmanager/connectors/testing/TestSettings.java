package io.ethproofmanager.connectors.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.util.Map;

/**
 * Settings for tests from the same place as the service's: every {@code reference.conf} on the class path (no environment
 * variable), with a test's overrides over them, so that a test never repeats a default in Java.
 */
public final class TestSettings {

    private TestSettings() {
    }

    /** The merged reference.conf as it is. */
    public static Config reference() {
        return with(Map.of());
    }

    /** {@code overrides} (full paths, e.g. {@code epm.l1.max-block-range}) over the merged reference.conf, resolved. */
    public static Config with(final Map<String, ?> overrides) {
        return ConfigFactory.parseMap(overrides).withFallback(unresolvedReference())
                .resolve(ConfigResolveOptions.noSystem());
    }

    /** {@code hocon} (e.g. {@code "epm.readiness.batch-limit = 0"}) over the merged reference.conf, resolved. */
    public static Config with(final String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(unresolvedReference()).resolve(ConfigResolveOptions.noSystem());
    }

    private static Config unresolvedReference() {
        return ConfigFactory.parseResources(TestSettings.class.getClassLoader(), "reference.conf");
    }
}
