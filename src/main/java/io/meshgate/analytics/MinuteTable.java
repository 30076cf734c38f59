package io.meshgate.analytics;

import io.meshgate.telemetry.CallRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One minute's counts on this replica, written by request threads without locks until a flush seals
 * it. Sealing is a handshake without a lock on the hot path: a writer counts itself in ({@code
 * entered}), checks the seal, adds, and counts itself out ({@code left}); the flusher sets the seal
 * and waits until every writer that got in has left. A writer that finds the table sealed adds
 * nothing and goes to a new table of the same minute (a late call), so no call is lost or counted
 * twice, and the sealed rows never change again.
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

  private static final class Row {
    final String appName;
    final LongAdder errors = new LongAdder();
    final AtomicIntegerArray histogram = new AtomicIntegerArray(LatencyHistogram.BUCKETS);

    Row(String appName) {
      this.appName = appName;
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
      row.histogram.incrementAndGet(LatencyHistogram.bucketOf(call.totalNanos()));
      if (call.error()) {
        row.errors.increment();
      }
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
    rows.forEach(
        (k, r) -> {
          long[] histogram = new long[LatencyHistogram.BUCKETS];
          long calls = 0;
          for (int i = 0; i < histogram.length; i++) {
            histogram[i] = r.histogram.get(i);
            calls += histogram[i];
          }
          out.add(
              new RollupRow(
                  minute,
                  k.api(),
                  k.plan(),
                  k.app(),
                  r.appName,
                  k.status(),
                  calls,
                  r.errors.sum(),
                  histogram));
        });
    return out;
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? RollupRow.NONE : value;
  }
}
