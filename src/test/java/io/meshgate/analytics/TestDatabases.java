package io.meshgate.analytics;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Databases with the product's migrations applied, for the analytics SQL: an in-memory H2 (in its
 * default mode, as the server uses it), and a schema of its own on the local PostgreSQL when one
 * answers (the test is skipped otherwise; with {@code CI=true} it fails instead).
 */
final class TestDatabases {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private TestDatabases() {}

  static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:analytics-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    return migrated(ds);
  }

  /** A new schema on the local PostgreSQL; {@code drop(schema)} removes it. */
  static DataSource postgres(String schema) {
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + schema + " cascade");
      s.execute("create schema " + schema);
    } catch (SQLException e) {
      String why = "PostgreSQL at " + PG_URL + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + " (CI=true: PostgreSQL is required)", e);
      }
      Assumptions.abort(why);
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(PG_URL + "?currentSchema=" + schema);
    ds.setUser("postgres");
    return migrated(ds);
  }

  static void drop(String schema) {
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + schema + " cascade");
    } catch (SQLException e) {
      // not reachable: nothing was made
    }
  }

  private static DataSource migrated(DataSource ds) {
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    return ds;
  }

  /** {@code target}, except that getting a connection throws what {@code failure} gives, if any. */
  static DataSource failing(DataSource target, Supplier<SQLException> failure) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              SQLException e = failure.get();
              if (e != null && method.getName().equals("getConnection")) {
                throw e;
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException ex) {
                throw ex.getCause();
              }
            });
  }
}
