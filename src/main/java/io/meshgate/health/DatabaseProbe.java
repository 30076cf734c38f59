package io.meshgate.health;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Whether the database answers, decided within {@link #WAIT_MS}, whatever state the database is in.
 * The check runs on a thread of its own: a stopped database is refused at once, but a frozen one
 * only fails after the driver's timeouts (seconds), and a probe must not wait that long. At most
 * one check is in flight; a probe that finds it still running reports the database down without
 * starting another, so probes arriving every second never pile up threads or connections.
 *
 * <p>Only a fixed word is reported ({@link #UP}, {@link #DOWN}, {@link #NOT_ANSWERING}): health
 * bodies are public, and a driver's message names hosts, users and schemas.
 */
@ApplicationScoped
public class DatabaseProbe {
  private static final Logger LOG = Logger.getLogger(DatabaseProbe.class.getName());

  /** The longest a probe waits for the database. */
  static final long WAIT_MS = 500;

  static final String UP = "up";
  static final String DOWN = "down";
  static final String NOT_ANSWERING = "not answering";

  @Resource(lookup = "jdbc/meshgate")
  DataSource dataSource;

  @Resource(lookup = "java:comp/DefaultManagedExecutorService")
  ExecutorService executor;

  private CompletableFuture<Boolean> inFlight;

  /** {@link #UP}, {@link #DOWN} or {@link #NOT_ANSWERING}. */
  public String state() {
    CompletableFuture<Boolean> check = current();
    try {
      return check.get(WAIT_MS, TimeUnit.MILLISECONDS) ? UP : DOWN;
    } catch (TimeoutException e) {
      return NOT_ANSWERING;
    } catch (ExecutionException e) {
      return DOWN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DOWN;
    }
  }

  private synchronized CompletableFuture<Boolean> current() {
    if (inFlight == null || inFlight.isDone()) {
      inFlight = CompletableFuture.supplyAsync(this::answers, executor);
    }
    return inFlight;
  }

  private boolean answers() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(1);
    } catch (Exception e) {
      LOG.log(Level.FINE, "Database probe failed", e);
      return false;
    }
  }
}
