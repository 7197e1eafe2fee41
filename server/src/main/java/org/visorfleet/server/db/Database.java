package org.visorfleet.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * The fleet database: a connection pool over H2 (embedded file, the default) or PostgreSQL (shared
 * by several servers), migrated by Flyway on open.
 *
 * <p>Durability: every write that is acknowledged to a user or an agent runs in {@link #transaction}
 * and is committed before the acknowledgement is sent. On H2 the URL sets {@code WRITE_DELAY=0}, so a
 * commit reaches the file before {@code commit()} returns (a killed process loses nothing committed);
 * PostgreSQL commits are durable by its own WAL rules.
 */
public final class Database implements AutoCloseable {

    static final int IDLE_IN_TRANSACTION_MILLIS = 2_000;
    static final int LOCK_TIMEOUT_MILLIS = 4_000;

    private final HikariDataSource pool;
    private final boolean postgres;

    private Database(HikariDataSource pool, boolean postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    /** The embedded database file inside a server data directory. */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db").resolve("fleet")
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    /** Opens the pool and applies pending migrations. */
    public static Database open(String jdbcUrl, int maxConnections) throws SQLException {
        if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "unsupported JDBC URL (use jdbc:h2:... or jdbc:postgresql://...): " + jdbcUrl);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(maxConnections);
        config.setPoolName("fleet-db");
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            // A server that hangs (SIGSTOP, a VM freeze, a partition) in the middle of a transaction
            // keeps its row locks; the servers that take over its agents would wait on them forever.
            // PostgreSQL ends such a session after IDLE_IN_TRANSACTION and so releases its locks;
            // LOCK_TIMEOUT lets a waiter outlast that, then give up with an error instead of hanging.
            config.setConnectionInitSql("SET idle_in_transaction_session_timeout = '" + IDLE_IN_TRANSACTION_MILLIS
                    + "ms'; SET lock_timeout = '" + LOCK_TIMEOUT_MILLIS + "ms'");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new SQLException("cannot open database " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new SQLException("cannot migrate database " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        return new Database(pool, jdbcUrl.startsWith("jdbc:postgresql:"));
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** Work done with one connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T transaction(SqlWork<T> work) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** Runs read-only or single-statement work in auto-commit mode. */
    public <T> T query(SqlWork<T> work) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null
                ? root.toString()
                : root.getMessage().lines().findFirst().orElse("");
    }
}
