package io.meshgate.analytics;

import io.meshgate.telemetry.CallRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's per-minute counts of API calls, not yet handed to the flusher: one {@link
 * MinuteTable} per minute (UTC) the calls were received in. {@link #add} runs on request threads
 * and takes no lock; {@link #takeEnded} and {@link #takeAll} run on the flusher's thread.
 *
 * <p>At most {@code maxRowsPerMinute} distinct (API, plan, app, status) per minute; calls of any
 * further app count under app {@value RollupRow#OTHER} (their API, plan and status are kept, so the
 * table can exceed the bound by the number of those, which the catalog bounds).
 */
public final class CallAggregator {
  private final int maxRowsPerMinute;
  private final ConcurrentHashMap<Long, MinuteTable> tables = new ConcurrentHashMap<>();

  /** The table of the newest minute: most calls go there without a map lookup. */
  private volatile MinuteTable newest;

  /** One minute's rows, sealed: they never change again. */
  public record Sealed(Instant minute, List<RollupRow> rows, boolean overflowed) {}

  public CallAggregator(int maxRowsPerMinute) {
    if (maxRowsPerMinute < 1) {
      throw new IllegalArgumentException("maxRowsPerMinute must be at least 1");
    }
    this.maxRowsPerMinute = maxRowsPerMinute;
  }

  /** Counts one call in the minute it was received in. */
  public void add(CallRecord call) {
    long minute = Math.floorDiv(call.time().getEpochSecond(), 60);
    MinuteTable table = newest;
    if (table != null && table.epochMinute == minute && table.add(call)) {
      return;
    }
    while (true) {
      table = tables.computeIfAbsent(minute, m -> new MinuteTable(m, maxRowsPerMinute));
      if (table.add(call)) {
        break;
      }
      // Sealed by a flush after this thread found it: it is on its way out of the map.
      tables.remove(minute, table);
    }
    MinuteTable current = newest;
    if (current == null || current.epochMinute <= minute) {
      newest = table;
    }
  }

  /** Seals and hands over every minute before {@code now}'s, oldest first. */
  public List<Sealed> takeEnded(Instant now) {
    return take(Math.floorDiv(now.getEpochSecond(), 60));
  }

  /** Seals and hands over every minute, the current one too (at shutdown). */
  public List<Sealed> takeAll() {
    return take(Long.MAX_VALUE);
  }

  private List<Sealed> take(long beforeEpochMinute) {
    List<Map.Entry<Long, MinuteTable>> ended = new ArrayList<>();
    for (Map.Entry<Long, MinuteTable> e : tables.entrySet()) {
      if (e.getKey() < beforeEpochMinute) {
        ended.add(e);
      }
    }
    ended.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    List<Sealed> out = new ArrayList<>(ended.size());
    for (Map.Entry<Long, MinuteTable> e : ended) {
      MinuteTable table = e.getValue();
      // Out of the map first, so that writers that find it sealed make a new one.
      tables.remove(e.getKey(), table);
      List<RollupRow> rows = table.seal();
      if (!rows.isEmpty()) {
        out.add(new Sealed(Instant.ofEpochSecond(e.getKey() * 60), rows, table.overflowed()));
      }
    }
    return out;
  }
}
