package io.ethproofmanager.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.ethproofmanager.app.ManagerSettings.BlobStore;
import io.ethproofmanager.app.ManagerSettings.RollupChain;
import io.ethproofmanager.app.ManagerSettings.RollupDatabase;
import io.ethproofmanager.connectors.db.ProofGenerationDetails;
import io.ethproofmanager.connectors.settings.SettingsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the rollup chains of {@code epm.chains}: a list of {@code {id, proof-generation-details {url, user, password,
 * schema}, blob-stores {rollup {...}, public {...}}}}, each key of an element with a default (the manager's database and
 * its user, the search path's schema, a rollup directory {@code <data dir>/blobs/rollup-<id>}, the public store of
 * {@code epm.blob-stores.public}); an empty list is the single chain of {@code epm.chain-id},
 * {@code epm.blob-stores.rollup} and {@code epm.blob-stores.public} in the manager's database. {@code EPM_CHAINS} sets
 * the list as HOCON or JSON text. Errors name the element's key ({@code epm.chains.1.id}) and the variable.
 */
final class RollupChains {

    static final String PATH = "epm.chains";
    private static final java.util.Set<String> KEYS = java.util.Set.of("id", "proof-generation-details.url",
            "proof-generation-details.user", "proof-generation-details.password", "proof-generation-details.schema",
            "blob-stores.rollup.type", "blob-stores.rollup.path", "blob-stores.rollup.bucket", "blob-stores.public.type",
            "blob-stores.public.path", "blob-stores.public.bucket", "blob-stores.public.public-url-base");

    private RollupChains() {
    }

    static List<RollupChain> read(final Config root, final SettingsReader settings, final ManagerSettings.Database database) {
        final List<? extends Config> elements = elements(root);
        final List<RollupChain> chains = new ArrayList<>();
        if (elements.isEmpty()) {
            chains.add(new RollupChain(settings.positiveLong("epm.chain-id"),
                    new RollupDatabase(Optional.empty(), database.user(), database.password(), Optional.empty()),
                    ManagerSettings.blobStore(settings, "epm.blob-stores.rollup"),
                    ManagerSettings.blobStore(settings, "epm.blob-stores.public"), Path.of("blobs", "rollup")));
            return chains;
        }
        final Config defaults = ConfigFactory.parseMap(Map.of(
                "proof-generation-details.url", "",
                "proof-generation-details.user", database.user(),
                "proof-generation-details.password", database.password(),
                "proof-generation-details.schema", "",
                "blob-stores.rollup.type", "filesystem",
                "blob-stores.rollup.path", "",
                "blob-stores.rollup.bucket", ""))
                .withFallback(root.getConfig("epm").withOnlyPath("blob-stores.public"));
        for (int index = 0; index < elements.size(); index++) {
            final String prefix = PATH + "." + index;
            for (final String key : elements.get(index).entrySet().stream().map(java.util.Map.Entry::getKey).sorted().toList()) {
                if (!KEYS.contains(key)) {
                    throw SettingsReader.invalid(prefix + "." + key, "is not a key of a chain (" + String.join(", ",
                            KEYS.stream().sorted().toList()) + ")");
                }
            }
            final Config element = elements.get(index).withFallback(defaults).atPath(prefix);
            chains.add(chain(SettingsReader.of(element), prefix));
        }
        requireDistinct(chains, root);
        return chains;
    }

    private static RollupChain chain(final SettingsReader element, final String prefix) {
        final long id = element.positiveLong(prefix + ".id");
        final String details = prefix + ".proof-generation-details";
        final Optional<String> schema = element.optionalText(details + ".schema");
        if (schema.isPresent() && !ProofGenerationDetails.SCHEMA_NAME.matcher(schema.get()).matches()) {
            throw SettingsReader.invalid(details + ".schema", "must be a plain lower-case schema name ([a-z_][a-z0-9_]*), was '"
                    + schema.get() + "'");
        }
        final Optional<String> url = element.optionalText(details + ".url");
        if (url.isPresent() && !url.get().startsWith("jdbc:postgresql:")) {
            throw SettingsReader.invalid(details + ".url", "must be a PostgreSQL JDBC URL (jdbc:postgresql://...) or empty");
        }
        return new RollupChain(id,
                new RollupDatabase(url, element.text(details + ".user"), element.text(details + ".password"), schema),
                ManagerSettings.blobStore(element, prefix + ".blob-stores.rollup"),
                ManagerSettings.blobStore(element, prefix + ".blob-stores.public"), Path.of("blobs", "rollup-" + id));
    }

    /** The list's elements; from text (an environment variable) parsed as HOCON or JSON. */
    private static List<? extends Config> elements(final Config root) {
        try {
            final ConfigValue value = root.getValue(PATH);
            if (value.valueType() == ConfigValueType.STRING) {
                final String text = ((String) value.unwrapped()).trim();
                return text.isEmpty() ? List.of() : ConfigFactory.parseString("chains = " + text).getConfigList("chains");
            }
            return root.getConfigList(PATH);
        } catch (final ConfigException e) {
            throw SettingsReader.invalid(PATH, "must be a list of chains [{id = 271, proof-generation-details {...},"
                    + " blob-stores {...}}, ...]: " + e.getMessage());
        }
    }

    /** Two chains must differ in id, in their proof_generation_details and in their rollup store. */
    private static void requireDistinct(final List<RollupChain> chains, final Config root) {
        final Map<Long, Integer> ids = new HashMap<>();
        final Map<String, Integer> tables = new HashMap<>();
        final Map<String, Integer> rollupStores = new HashMap<>();
        for (int index = 0; index < chains.size(); index++) {
            final RollupChain chain = chains.get(index);
            final Integer sameId = ids.putIfAbsent(chain.id(), index);
            if (sameId != null) {
                throw SettingsReader.invalid(PATH + "." + index + ".id", "must differ from " + PATH + "." + sameId
                        + ".id, was " + chain.id() + " in both");
            }
            final RollupDatabase details = chain.proofGenerationDetails();
            final Integer sameTable = tables.putIfAbsent(details.url().orElse("") + "|" + details.schema().orElse(""), index);
            if (sameTable != null) {
                throw SettingsReader.invalid(PATH + "." + index + ".proof-generation-details", "must differ from "
                        + PATH + "." + sameTable + ".proof-generation-details: both read " + details
                        + " (set a url or a schema of its own)");
            }
            final BlobStore rollup = chain.rollupBlobs();
            final String store = rollup.isGcs() ? "gcs:" + rollup.bucket().orElseThrow()
                    : "dir:" + rollup.path().orElse(chain.defaultRollupDirectory()).normalize();
            final Integer sameStore = rollupStores.putIfAbsent(store, index);
            if (sameStore != null) {
                throw SettingsReader.invalid(PATH + "." + index + ".blob-stores.rollup", "must differ from " + PATH + "."
                        + sameStore + ".blob-stores.rollup: the rollups' blob keys (proof_gen_data/<batch>.bin) would collide");
            }
        }
        final String template = root.getString("epm.blob-stores.public.key-template");
        if (chains.size() > 1 && !template.contains("{chain_id}")) {
            throw SettingsReader.invalid("epm.blob-stores.public.key-template", "must contain {chain_id} when several"
                    + " chains are configured (" + PATH + "), was '" + template + "'");
        }
    }
}
