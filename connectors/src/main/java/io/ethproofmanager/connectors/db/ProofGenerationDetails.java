package io.ethproofmanager.connectors.db;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Where one rollup chain's {@code proof_generation_details} is: in the manager's own database (the default, as
 * zksync-era keeps it beside the proof manager) or in a database of its own, in its search path's schema or in a named
 * one. The readiness checker reads it and the hand-off writes it.
 *
 * @param dataSource the database holding the table
 * @param schema the table's schema; empty = the connection's search path
 * @param inManagerDatabase whether {@code dataSource} is the manager's database, where the readiness progress is (the
 *     checker then joins the two tables in one query)
 */
public record ProofGenerationDetails(DataSource dataSource, Optional<String> schema, boolean inManagerDatabase) {

    /** A schema name as the settings accept it: a plain lower-case PostgreSQL identifier. */
    public static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public ProofGenerationDetails {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(schema, "schema");
        schema.ifPresent(name -> {
            if (!SCHEMA_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a plain lower-case schema name: '" + name + "'");
            }
        });
    }

    /** The table in the manager's database, in its search path's schema: the single-chain default. */
    public static ProofGenerationDetails inManagerDatabase(final DataSource managerDatabase) {
        return new ProofGenerationDetails(managerDatabase, Optional.empty(), true);
    }

    /** The table's name as SQL names it: {@code proof_generation_details}, or {@code "<schema>".proof_generation_details}. */
    public String table() {
        return schema.map(name -> "\"" + name + "\".proof_generation_details").orElse("proof_generation_details");
    }

    @Override
    public String toString() {
        return table() + (inManagerDatabase ? " in the manager's database" : " in a database of its own");
    }
}
