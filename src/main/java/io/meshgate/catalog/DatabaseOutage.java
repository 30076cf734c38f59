package io.meshgate.catalog;

import io.meshgate.support.Problem;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Set;

/**
 * Tells a failure of the database itself (not reachable, not answering in time, connection lost)
 * from every other failure, wherever it surfaces: JDBC, the connection pool, Hibernate or the
 * transaction manager wrap it in their own exceptions, so the whole cause chain is searched. Such a
 * failure is the server's temporary state, not the caller's mistake and not a bug: callers answer
 * 503 {@value #ERROR_KEY} with {@code Retry-After: }{@value #RETRY_AFTER_SECONDS}.
 */
public final class DatabaseOutage {
  /** The error key of every answer refused because the database is unavailable. */
  public static final String ERROR_KEY = "CATALOG_UNAVAILABLE";

  /**
   * What {@code Retry-After} says: about the time a replica takes to notice the database is back.
   */
  public static final String RETRY_AFTER_SECONDS = "5";

  /** The fixed text a client (or a health check) is told; never the exception's own message. */
  public static final String DETAIL = "The catalog database is unavailable; retry later";

  /**
   * SQLSTATE classes and codes of an unavailable database: 08 (connection exception), 53 (out of
   * resources, e.g. too many connections), 57P01-57P03 (shutting down, cannot connect now) and
   * 57014 (statement cancelled by a timeout). HY000 and others are not: they are bugs or data.
   */
  private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "57014");

  /**
   * Exceptions of the pool, the transaction manager and Hibernate that mean the same, named rather
   * than imported: they live in Liberty's and Hibernate's bundles, not in the application's API.
   */
  private static final Set<String> CLASS_NAMES =
      Set.of(
          "org.hibernate.exception.JDBCConnectionException",
          "org.hibernate.QueryTimeoutException",
          "jakarta.persistence.QueryTimeoutException",
          "jakarta.persistence.LockTimeoutException",
          "com.ibm.websphere.ce.cm.StaleConnectionException",
          "com.ibm.websphere.ce.cm.ConnectionWaitTimeoutException",
          "jakarta.resource.spi.ResourceAllocationException");

  private DatabaseOutage() {}

  /** The answer to a request the database's absence stopped: 503 with {@code Retry-After}. */
  public static Problem problem() {
    return new Problem(503, ERROR_KEY, DETAIL, Map.of("Retry-After", RETRY_AFTER_SECONDS));
  }

  /** Whether {@code failure} (or any of its causes) says the database is unavailable. */
  public static boolean isCause(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 64; t = next(t), depth++) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLTimeoutException
          || t instanceof ConnectException
          || t instanceof SocketTimeoutException
          || CLASS_NAMES.contains(t.getClass().getName())) {
        return true;
      }
      if (t instanceof SQLException sql) {
        for (SQLException s = sql; s != null; s = s.getNextException()) {
          String state = s.getSQLState();
          if (state != null
              && (state.startsWith("08") || state.startsWith("53") || STATES.contains(state))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Throwable next(Throwable t) {
    Throwable cause = t.getCause();
    if (cause == null && t instanceof SQLException sql) {
      cause = sql.getNextException();
    }
    return cause == t ? null : cause;
  }
}
