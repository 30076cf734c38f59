package io.meshgate.telemetry;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the {@code app} attribute of metrics bounded whatever the number of apps: only the top apps
 * by calls carry their own name, every other app is {@code other}.
 *
 * <p>How: apps are counted in a window of one minute, in a map of at most {@code 20 × N} entries
 * (apps already labelled always count; a new app is not counted once the map is full, so memory is
 * bounded with a million apps). At the end of each window the {@code N} apps with most calls become
 * the labelled ones. Until {@code N} apps are labelled, an app is labelled the first time it is
 * seen, so a small installation sees every app by name from its first call. Each replica chooses on
 * its own traffic; an app that drops out of the top keeps its old series, which stop growing.
 */
@ApplicationScoped
public class AppLabels {
  public static final String OTHER = "other";
  private static final long WINDOW_NANOS = 60_000_000_000L;

  @Inject
  @ConfigProperty(name = "meshgate.telemetry.top-apps", defaultValue = "50")
  int topApps;

  private volatile Set<String> labelled = ConcurrentHashMap.newKeySet();
  private volatile Map<String, LongAdder> window = new ConcurrentHashMap<>();
  private final AtomicLong windowStart = new AtomicLong();
  private LongSupplier nanos = System::nanoTime;
  private int capacity;

  @PostConstruct
  void init() {
    capacity = Math.max(1000, 20 * topApps);
    windowStart.set(nanos.getAsLong());
  }

  /** For tests. */
  static AppLabels create(int topApps, LongSupplier nanos) {
    AppLabels labels = new AppLabels();
    labels.topApps = topApps;
    labels.nanos = nanos;
    labels.init();
    return labels;
  }

  /** The label of {@code app} for this call, counting the call; {@code null} stays {@code null}. */
  public String label(String app) {
    if (app == null) {
      return null;
    }
    roll();
    Set<String> current = labelled;
    boolean isLabelled = current.contains(app);
    if (!isLabelled && current.size() < topApps) {
      synchronized (this) {
        if (current.size() < topApps) {
          current.add(app);
        }
      }
      isLabelled = current.contains(app);
    }
    Map<String, LongAdder> counts = window;
    LongAdder count = counts.get(app);
    if (count == null && (isLabelled || counts.size() < capacity)) {
      count = counts.computeIfAbsent(app, k -> new LongAdder());
    }
    if (count != null) {
      count.increment();
    }
    return isLabelled ? app : OTHER;
  }

  private void roll() {
    long start = windowStart.get();
    long now = nanos.getAsLong();
    if (now - start < WINDOW_NANOS || !windowStart.compareAndSet(start, now)) {
      return;
    }
    Map<String, LongAdder> ended = window;
    window = new ConcurrentHashMap<>();
    Set<String> top = ConcurrentHashMap.newKeySet();
    ended.entrySet().stream()
        .sorted(
            Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> e.getValue().sum())
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .limit(topApps)
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(() -> top));
    synchronized (this) {
      labelled = top;
    }
  }

  /** Apps counted in the current window (bounded by 20 × N, at least 1,000). */
  int counted() {
    return window.size();
  }

  /** The apps labelled by name now. */
  public Set<String> labelled() {
    return Set.copyOf(labelled);
  }
}
