package io.ethproofmanager.sandbox;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's {@code --chains N}: {@code N} rollup chains on the one contract, ids {@code epm.chain-id},
 * {@code epm.chain-id + 1}, ..., each with its {@code proof_generation_details} in the schema {@code rollup_<id>} of the
 * database and its blobs in {@code <data dir>/blobs/rollup-<id>} (the defaults of a listed chain), as {@code epm.chains}.
 */
final class DemoChains {

    static final int MAX = 16;

    private DemoChains() {
    }

    /** {@code loaded} with {@code count} chains; 1 leaves it as it is (its own chains, or the single chain). */
    static Config withChains(final Config loaded, final int count) {
        if (count < 1 || count > MAX) {
            throw new IllegalArgumentException("--chains must be 1 to " + MAX + ", was " + count);
        }
        if (count == 1) {
            return loaded;
        }
        final ConfigValue configured = loaded.getValue("epm.chains");
        final boolean none = configured.valueType() == ConfigValueType.LIST ? loaded.getList("epm.chains").isEmpty()
                : configured.unwrapped().toString().isBlank();
        if (!none) {
            throw new IllegalArgumentException("--chains " + count + " and epm.chains (EPM_CHAINS) both say which chains to serve;"
                    + " set one of them");
        }
        final long first = loaded.getLong("epm.chain-id");
        final List<Map<String, Object>> chains = new ArrayList<>();
        for (long id = first; id < first + count; id++) {
            chains.add(Map.of("id", id, "proof-generation-details", Map.of("schema", "rollup_" + id)));
        }
        return loaded.withValue("epm.chains", ConfigValueFactory.fromIterable(chains));
    }
}
