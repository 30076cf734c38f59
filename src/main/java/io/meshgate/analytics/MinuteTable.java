package io.meshgate.analytics;

import io.meshgate.telemetry.CallRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

  /**
   * One row's counts. Most rows of a large catalog see one latency bucket in their minute (an app
   * that called once or twice), so a row starts with that bucket and its count packed in one {@code
   * long} and spreads out into a full histogram only when a call lands in a second bucket: about
   * 260 bytes less per such row, of which a minute holds one per active app.
   */
  private static final class Row {
    private static final VarHandle SINGLE;
    private static final VarHandle SPREAD;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        SINGLE = lookup.findVarHandle(Row.class, "single", long.class);
        SPREAD = lookup.findVarHandle(Row.class, "spread", AtomicIntegerArray.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** {@code single} once its count has moved into {@code spread}. */
    private static final long MOVED = -1L;

    private static final int COUNT_BITS = 48;

    final String appName;
    final LongAdder errors = new LongAdder();

    /** 0 (no call yet), bucket << 48 | count while every call fell in one bucket, or MOVED. */
    private volatile long single;

    /** The full histogram, once a second bucket was hit; set before {@code single} is MOVED. */
    private volatile AtomicIntegerArray spread;

    Row(String appName) {
      this.appName = appName;
    }

    void count(int bucket) {
      while (true) {
        AtomicIntegerArray histogram = spread;
        if (histogram != null) {
          histogram.incrementAndGet(bucket);
          return;
        }
        long s = single;
        if (s == MOVED) {
          continue; // spread is visible now: it was set first
        }
        if (s == 0 || s >>> COUNT_BITS == bucket) {
          long next = s == 0 ? ((long) bucket << COUNT_BITS) | 1 : s + 1;
          if (SINGLE.compareAndSet(this, s, next)) {
            return;
          }
          continue;
        }
        AtomicIntegerArray created = new AtomicIntegerArray(LatencyHistogram.BUCKETS);
        if (SPREAD.compareAndSet(this, null, created)) {
          // Calls that still find `single` after this add to `spread` instead (their CAS fails).
          long moved = (long) SINGLE.getAndSet(this, MOVED);
          created.addAndGet((int) (moved >>> COUNT_BITS), (int) (moved & ((1L << COUNT_BITS) - 1)));
        }
      }
    }

    /** The counts per bucket; only once no writer is left (the table is sealed). */
    long[] histogram() {
      long[] out = new long[LatencyHistogram.BUCKETS];
      AtomicIntegerArray histogram = spread;
      if (histogram != null) {
        for (int i = 0; i < out.length; i++) {
          out[i] = histogram.get(i);
        }
      } else {
        long s = single;
        if (s != 0) {
          out[(int) (s >>> COUNT_BITS)] = s & ((1L << COUNT_BITS) - 1);
        }
      }
      return out;
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
      row.count(LatencyHistogram.bucketOf(call.totalNanos()));
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
          long[] histogram = r.histogram();
          long calls = 0;
          for (long c : histogram) {
            calls += c;
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
