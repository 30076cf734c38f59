package io.meshgate.analytics;

import io.meshgate.telemetry.CallRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One minute's counts on this replica, written by request threads until a flush seals it. Sealing
 * is a handshake that takes no table-wide lock: a writer counts itself in ({@code entered}), checks
 * the seal, adds, and counts itself out ({@code left}); the flusher sets the seal and waits until
 * every writer that got in has left. A writer that finds the table sealed adds nothing and goes to
 * a new table of the same minute (a late call), so no call is lost or counted twice, and the sealed
 * rows never change again. Each row's counts are guarded by the row's own lock (see {@link Row}).
 */
final class MinuteTable {
  private static final long QUIESCE_NANOS = 5_000_000_000L;

  final long epochMinute;
  private final int maxRows;
  private final ConcurrentHashMap<Key, Row> rows = new ConcurrentHashMap<>();
  private final LongAdder entered = new LongAdder();
  private final LongAdder left = new LongAdder();
  private volatile boolean sealed;
  private volatile boolean overflowed;

  MinuteTable(long epochMinute, int maxRows) {
    this.epochMinute = epochMinute;
    this.maxRows = maxRows;
  }

  private record Key(String api, String plan, String app, int status) {}

  /**
   * One row's counts. A minute of a large catalog holds one row per active app, and most apps'
   * calls land in a few of the 60 latency buckets, so a row keeps only the buckets it has seen
   * ({@link BucketCounts}' packed cells, in the order first hit): 56 bytes for a row with one
   * bucket and 80 with four, where a lock-free array of all 60 counts alone takes 272. The lock is
   * a row's own, held for a few instructions; two request threads meet on it only when the same
   * app, API and status are answered at the same instant.
   */
  private static final class Row {
    final String appName;
    private long errors;
    private long[] cells = new long[1];
    private int size;

    Row(String appName) {
      this.appName = appName;
    }

    synchronized void count(int bucket, boolean error) {
      if (error) {
        errors++;
      }
      for (int i = 0; i < size; i++) {
        if (BucketCounts.bucketOf(cells[i]) == bucket) {
          cells[i]++;
          return;
        }
      }
      if (size == cells.length) {
        cells = Arrays.copyOf(cells, Math.min(size * 2, LatencyHistogram.BUCKETS));
      }
      cells[size++] = BucketCounts.pack(bucket, 1);
    }

    /** The row as sealed: its counts and errors read together. */
    synchronized RollupRow sealed(Instant minute, Key key) {
      BucketCounts counts = BucketCounts.ofCells(cells, size);
      return new RollupRow(
          minute,
          key.api(),
          key.plan(),
          key.app(),
          appName,
          key.status(),
          counts.total(),
          errors,
          counts);
    }
  }

  /** Counts {@code call}; {@code false} when the table was sealed first (nothing counted). */
  boolean add(CallRecord call) {
    entered.increment();
    try {
      if (sealed) {
        return false;
      }
      Key key =
          new Key(orNone(call.api()), orNone(call.plan()), orNone(call.clientId()), call.status());
      Row row = rows.get(key);
      if (row == null) {
        String appName = orNone(call.app());
        if (rows.mappingCount() >= maxRows) {
          overflowed = true;
          key = new Key(key.api(), key.plan(), RollupRow.OTHER, key.status());
          appName = RollupRow.OTHER;
        }
        String name = appName;
        row = rows.computeIfAbsent(key, k -> new Row(name));
      }
      row.count(LatencyHistogram.bucketOf(call.totalNanos()), call.error());
      return true;
    } finally {
      left.increment();
    }
  }

  /** Whether calls went to app {@value RollupRow#OTHER} because the table was full. */
  boolean overflowed() {
    return overflowed;
  }

  boolean isSealed() {
    return sealed;
  }

  /**
   * Seals the table and returns its rows. Waits (briefly: a writer holds the table for the length
   * of a few increments) until every writer that found it open has finished.
   */
  List<RollupRow> seal() {
    sealed = true;
    long deadline = System.nanoTime() + QUIESCE_NANOS;
    // Left before entered: every writer counted in `left` was counted in `entered` earlier, so the
    // two are equal only when no writer was inside at the first read.
    while (left.sum() != entered.sum() && System.nanoTime() < deadline) {
      Thread.yield();
    }
    Instant minute = Instant.ofEpochSecond(epochMinute * 60);
    List<RollupRow> out = new ArrayList<>(rows.size());
    rows.forEach((k, r) -> out.add(r.sealed(minute, k)));
    return out;
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? RollupRow.NONE : value;
  }
}
