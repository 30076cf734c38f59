package io.meshgate.analytics;

import io.meshgate.catalog.DatabaseOutage;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves sealed minutes from the {@link CallAggregator} to the {@link AnalyticsStore}, oldest first,
 * each as a batch with an id of its own that stays the same until it is written. While the database
 * is unavailable the batches wait here, at most {@code maxPendingRows} rows (the oldest minutes are
 * dropped beyond, with a WARN); a batch the database refuses for another reason is tried {@value
 * #ATTEMPTS} times and then dropped with a SEVERE, so it cannot hold up the others. One flush at a
 * time (the scheduler's and the shutdown's).
 */
final class RollupFlusher {
  private static final Logger LOG = Logger.getLogger(RollupFlusher.class.getName());
  static final int ATTEMPTS = 5;
  private static final Duration OVERFLOW_LOG_INTERVAL = Duration.ofHours(1);

  private final CallAggregator aggregator;
  private final AnalyticsStore store;
  private final String replica;
  private final long maxPendingRows;

  private final Deque<Batch> pending = new ArrayDeque<>();
  private long pendingRows;
  private long nextBatch;
  private boolean failing;
  private Instant lastOverflowLog = Instant.MIN;

  private static final class Batch {
    final long id;
    final CallAggregator.Sealed sealed;
    int failures;

    Batch(long id, CallAggregator.Sealed sealed) {
      this.id = id;
      this.sealed = sealed;
    }

    long calls() {
      return sealed.rows().stream().mapToLong(RollupRow::calls).sum();
    }
  }

  RollupFlusher(
      CallAggregator aggregator, AnalyticsStore store, String replica, long maxPendingRows) {
    this.aggregator = aggregator;
    this.store = store;
    this.replica = replica;
    this.maxPendingRows = maxPendingRows;
  }

  /**
   * Takes the minutes that ended before {@code now} (all of them, the current one too, when {@code
   * all}) and, when {@code write}, writes every waiting batch it can.
   *
   * @param write {@code false} while the schema may not exist yet (start-up not complete)
   * @return how many batches are still waiting
   */
  synchronized int flush(Instant now, boolean all, boolean write) {
    List<CallAggregator.Sealed> sealed = all ? aggregator.takeAll() : aggregator.takeEnded(now);
    for (CallAggregator.Sealed s : sealed) {
      if (s.overflowed() && now.isAfter(lastOverflowLog.plus(OVERFLOW_LOG_INTERVAL))) {
        lastOverflowLog = now;
        LOG.warning(
            "MESHGATE-ANALYTICS: minute "
                + s.minute()
                + " had more distinct (API, plan, app, status) than"
                + " MESHGATE_ANALYTICS_MAX_ROWS_PER_MINUTE; further apps were counted as app '"
                + RollupRow.OTHER
                + "' (logged at most once an hour)");
      }
      pending.addLast(new Batch(nextBatch++, s));
      pendingRows += s.rows().size();
    }
    while (pendingRows > maxPendingRows && pending.size() > 1) {
      Batch dropped = drop();
      LOG.warning(
          "MESHGATE-ANALYTICS: more than "
              + maxPendingRows
              + " rows wait for the database; dropped minute "
              + dropped.sealed.minute()
              + " ("
              + dropped.calls()
              + " calls)");
    }
    if (write) {
      writePending();
    }
    return pending.size();
  }

  private void writePending() {
    while (!pending.isEmpty()) {
      Batch b = pending.peekFirst();
      try {
        store.write(replica, b.id, b.sealed);
        drop();
        if (failing) {
          failing = false;
          LOG.info("MESHGATE-ANALYTICS: the database takes the roll-ups again");
        }
      } catch (SQLException | RuntimeException e) {
        if (DatabaseOutage.isCause(e)) {
          if (!failing) {
            failing = true;
            LOG.log(
                Level.WARNING,
                "MESHGATE-ANALYTICS: cannot write the roll-ups, the database is unavailable; they"
                    + " wait in memory and are written when it is back",
                e);
          }
          return;
        }
        if (++b.failures >= ATTEMPTS) {
          drop();
          LOG.log(
              Level.SEVERE,
              "MESHGATE-ANALYTICS: dropped minute "
                  + b.sealed.minute()
                  + " ("
                  + b.calls()
                  + " calls) after "
                  + ATTEMPTS
                  + " failed writes",
              e);
        } else {
          LOG.log(Level.WARNING, "MESHGATE-ANALYTICS: cannot write the roll-ups; will retry", e);
          return;
        }
      }
    }
  }

  private Batch drop() {
    Batch b = pending.removeFirst();
    pendingRows -= b.sealed.rows().size();
    return b;
  }

  /** Rows waiting for the database. */
  synchronized long pendingRows() {
    return pendingRows;
  }
}
