package io.meshgate.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.LongSupplier;

/**
 * The gateway's metrics: meshgate's counters and the JVM's (memory, GC, threads, class loading,
 * process CPU), in one Prometheus registry of this application, served by {@link MetricsResource}
 * on the admin port only.
 */
@ApplicationScoped
public class GatewayMetrics {
  private PrometheusRegistry registry;
  private ExpositionFormats formats;
  private Counter tokenSignatures;
  private Counter limiterFallback;
  private Counter limiterUnavailable;
  private Counter limiterStoreErrors;
  private Counter catalogCacheDrops;

  @PostConstruct
  public void init() {
    registry = new PrometheusRegistry();
    formats = ExpositionFormats.init();
    tokenSignatures = counter("meshgate_token_signatures", "Gateway tokens signed (cache misses)");
    limiterFallback =
        counter(
            "meshgate_limiter_fallback",
            "Calls counted on this replica alone because the shared limiter store failed");
    limiterUnavailable =
        counter(
            "meshgate_limiter_unavailable",
            "Calls refused with 503 LIMITER_UNAVAILABLE (the plan fails closed)");
    limiterStoreErrors =
        counter(
            "meshgate_limiter_store_errors", "Failed or slow calls to the limiter store (Redis)");
    catalogCacheDrops =
        counter(
            "meshgate_catalog_cache_drops",
            "Times this replica dropped every cached snapshot and token because it could not tell"
                + " what a catalog change touched");
    JvmMetrics.builder().register(registry);
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }

  public Counter tokenSignatures() {
    return tokenSignatures;
  }

  public Counter catalogCacheDrops() {
    return catalogCacheDrops;
  }

  /** Registers {@code meshgate_token_cache_entries}: gateway tokens this replica holds now. */
  public void tokenCacheSize(LongSupplier entries) {
    GaugeWithCallback.builder()
        .name("meshgate_token_cache_entries")
        .help("Gateway tokens cached on this replica (signed, not yet evicted or expired)")
        .callback(cb -> cb.call(entries.getAsLong()))
        .register(registry);
  }

  /**
   * Registers {@code meshgate_catalog_revision}: the catalog revision this replica has caught up
   * with (compare replicas, or with the database, to see how far behind one is).
   */
  public void catalogRevision(LongSupplier revision) {
    GaugeWithCallback.builder()
        .name("meshgate_catalog_revision")
        .help("Catalog revision this replica's caches reflect")
        .callback(cb -> cb.call(revision.getAsLong()))
        .register(registry);
  }

  public Counter limiterFallback() {
    return limiterFallback;
  }

  public Counter limiterUnavailable() {
    return limiterUnavailable;
  }

  public Counter limiterStoreErrors() {
    return limiterStoreErrors;
  }

  /** Adds another source of metrics (OpenTelemetry's reader) to what {@code /metrics} serves. */
  public void register(MultiCollector collector) {
    registry.register(collector);
  }

  /** Every metric as it is now. */
  public MetricSnapshots scrape() {
    return registry.scrape();
  }

  /**
   * The text format a scraper asked for: OpenMetrics when its {@code Accept} names it (Prometheus
   * asks for it first), else Prometheus' classic text format (curl, a browser).
   */
  public ExpositionFormatWriter writerFor(String accept) {
    if (accept != null && formats.getOpenMetricsTextFormatWriter().accepts(accept)) {
      return formats.getOpenMetricsTextFormatWriter();
    }
    return formats.getPrometheusTextFormatWriter();
  }
}
