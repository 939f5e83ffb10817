package io.ethproofmanager.connectors.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The manager's PostgreSQL database: a connection pool and the versioned migrations (Flyway). */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

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

    /** Applies the manager's migrations ({@code db/migration}); with {@code createRollupTables} also the rollup's tables. */
    public void migrate(final boolean createRollupTables) {
        if (createRollupTables) {
            final var rollup = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/rollup")
                    .table("flyway_rollup_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
            LOG.info("rollup tables: {} migration(s) applied", rollup.migrationsExecuted);
        }
        final var own = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        LOG.info("eth_proof_manager schema: {} migration(s) applied", own.migrationsExecuted);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
