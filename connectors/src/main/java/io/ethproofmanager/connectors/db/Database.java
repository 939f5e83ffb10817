package io.ethproofmanager.connectors.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The manager's PostgreSQL database: a connection pool and the versioned migrations (Flyway). */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /**
     * A start during a PostgreSQL outage waits for the server (Flyway's connect retries: 1 s, doubling up to 5 s between
     * tries, each try waiting up to the pool's 5 s connection timeout: about two minutes in all) instead of exiting.
     */
    private static final int CONNECT_RETRIES = 20;
    private static final int CONNECT_RETRIES_MAX_INTERVAL_SECONDS = 5;

    private final HikariDataSource dataSource;

    private Database(final HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Opens a pool on {@code jdbcUrl}. The pool does not need the database to be up at construction, and it replaces
     * broken connections when the server restarts.
     */
    public static Database connect(final String jdbcUrl, final String user, final String password, final int maxPoolSize) {
        final HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxPoolSize);
        config.setPoolName("epm-db");
        config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        return new Database(new HikariDataSource(config));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Applies the manager's migrations ({@code db/migration}); with {@code createRollupTables} first the rollup's tables
     * in this database's search path ({@link #createRollupTables}). Readiness progress rows kept from before progress was
     * keyed by chain (V4) are given {@code chainOfExistingReadiness}: the chain of the single-chain deployment that wrote
     * them, the first configured chain.
     */
    public void migrate(final boolean createRollupTables, final long chainOfExistingReadiness) {
        if (createRollupTables) {
            createRollupTables(dataSource, Optional.empty());
        }
        final var own = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of("chain_of_existing_readiness", Long.toString(chainOfExistingReadiness)))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .connectRetries(CONNECT_RETRIES)
                .connectRetriesInterval(CONNECT_RETRIES_MAX_INTERVAL_SECONDS)
                .load()
                .migrate();
        LOG.info("eth_proof_manager schema: {} migration(s) applied", own.migrationsExecuted);
    }

    /**
     * Creates the rollup's {@code proof_generation_details} ({@code db/rollup}) where missing, in {@code schema} (created
     * when missing) or the search path's: for local rollups and tests; a real rollup already has it.
     */
    public static void createRollupTables(final DataSource database, final Optional<String> schema) {
        final var configuration = Flyway.configure()
                .dataSource(database)
                .locations("classpath:db/rollup")
                .table("flyway_rollup_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .connectRetries(CONNECT_RETRIES)
                .connectRetriesInterval(CONNECT_RETRIES_MAX_INTERVAL_SECONDS);
        schema.ifPresent(name -> configuration.schemas(name).createSchemas(true));
        final var rollup = configuration.load().migrate();
        LOG.info("rollup tables{}: {} migration(s) applied", schema.map(name -> " in schema " + name).orElse(""),
                rollup.migrationsExecuted);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
