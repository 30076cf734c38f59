package io.meshgate.telemetry;

import io.meshgate.metrics.GatewayMetrics;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * meshgate's OpenTelemetry: the API MicroProfile Telemetry specifies, configured the way it
 * specifies ({@code otel.*} keys from MicroProfile Config, so {@code OTEL_*} environment variables
 * and server.env work), with the SDK in the WAR rather than Liberty's mpTelemetry feature, because:
 * metrics must be scrapeable on the admin port only (the SDK's metrics are read into the registry
 * {@code /metrics} serves there), the API calls never pass through JAX-RS (Liberty's
 * instrumentation would not see them, see {@code DataPlaneFilter}), and the data plane's spans and
 * attributes are the gateway's own.
 *
 * <p>Defaults differ from the SDK's where a gateway needs them to: the service name is {@code
 * meshgate}; nothing is exported over OTLP until {@code otel.exporter.otlp.endpoint} (or a signal's
 * own endpoint) is set, and then over {@code http/protobuf}; log records are not exported (logs go
 * through Liberty's logging). Without a trace exporter no span is recorded, but every call still
 * gets trace and span ids that the upstream, the access log and problem bodies carry, sampled as
 * the configured sampler decides.
 */
@ApplicationScoped
public class Telemetry {
  private static final Logger LOG = Logger.getLogger(Telemetry.class.getName());
  static final String SCOPE = "io.meshgate";

  @Inject GatewayMetrics metrics;

  /** Off: no metrics of calls, no spans, no trace ids (the access log stays, without them). */
  @Inject
  @ConfigProperty(name = "meshgate.telemetry.enabled", defaultValue = "true")
  boolean enabled;

  /**
   * Most series (attribute sets) one meshgate instrument keeps; beyond, the SDK counts into one
   * overflow series ({@code otel_metric_overflow="true"}). With the app attribute limited to the
   * top apps this is not reached in practice; it is the hard bound whatever the catalog holds.
   */
  @Inject
  @ConfigProperty(name = "meshgate.telemetry.max-series", defaultValue = "10000")
  int maxSeries;

  private OpenTelemetrySdk sdk;
  private OpenTelemetry api = OpenTelemetry.noop();
  private boolean tracesExported;
  private Sampler sampler = Sampler.parentBased(Sampler.alwaysOn());

  @PostConstruct
  void start() {
    if (!enabled) {
      LOG.info("MESHGATE-TELEMETRY: off (meshgate.telemetry.enabled=false)");
      return;
    }
    Map<String, String> configured = otelProperties(ConfigProvider.getConfig());
    PrometheusMetricReader prometheus =
        PrometheusMetricReader.builder()
            .setOtelScopeLabelsEnabled(false)
            .setTargetInfoMetricEnabled(false)
            .build();
    boolean[] exported = new boolean[1];
    Sampler[] chosen = new Sampler[1];
    sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .setServiceClassLoader(Telemetry.class.getClassLoader())
            .disableShutdownHook()
            .addPropertiesSupplier(() -> defaults(configured))
            .addPropertiesCustomizer(props -> configured)
            .addMeterProviderCustomizer(
                (builder, props) ->
                    builder
                        .registerMetricReader(prometheus)
                        .registerView(
                            InstrumentSelector.builder().setMeterName(SCOPE).build(),
                            View.builder().setCardinalityLimit(maxSeries).build()))
            .addSamplerCustomizer(
                (s, props) -> {
                  chosen[0] = s;
                  return s;
                })
            .addTracerProviderCustomizer(
                (builder, props) -> {
                  exported[0] = !"none".equals(props.getString("otel.traces.exporter", "none"));
                  return builder;
                })
            .build()
            .getOpenTelemetrySdk();
    api = sdk;
    tracesExported = exported[0];
    if (chosen[0] != null) {
      sampler = chosen[0];
    }
    metrics.register(prometheus);
    LOG.info(
        "MESHGATE-TELEMETRY: metrics on /metrics (admin port)"
            + (configured.containsKey("otel.exporter.otlp.endpoint")
                ? " and over OTLP to " + configured.get("otel.exporter.otlp.endpoint")
                : "")
            + "; spans "
            + (tracesExported ? "exported" : "not recorded (no trace exporter)"));
  }

  @PreDestroy
  void stop() {
    if (sdk != null) {
      sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** Whether spans are recorded and exported; without, only their ids are made and propagated. */
  public boolean tracesExported() {
    return tracesExported;
  }

  /** The sampler that decides whether a new trace is sampled (the flag sent upstream). */
  public Sampler sampler() {
    return sampler;
  }

  public Meter meter() {
    return api.getMeter(SCOPE);
  }

  public Tracer tracer() {
    return api.getTracer(SCOPE);
  }

  /** Every {@code otel.*} key MicroProfile Config knows, by its dotted name. */
  static Map<String, String> otelProperties(Config config) {
    Map<String, String> out = new HashMap<>();
    for (String name : config.getPropertyNames()) {
      if (name.startsWith("otel.")) {
        config.getOptionalValue(name, String.class).ifPresent(v -> out.put(name, v));
      }
    }
    return out;
  }

  /**
   * meshgate's defaults, below what is configured: OTLP only where an endpoint is configured (in
   * MicroProfile Config or the environment the SDK reads itself).
   */
  static Map<String, String> defaults(Map<String, String> configured) {
    Map<String, String> d = new HashMap<>();
    d.put("otel.service.name", "meshgate");
    d.put("otel.exporter.otlp.protocol", "http/protobuf");
    d.put("otel.logs.exporter", "none");
    d.put("otel.propagators", "tracecontext");
    boolean any = has(configured, "OTEL_EXPORTER_OTLP_ENDPOINT", "otel.exporter.otlp.endpoint");
    d.put(
        "otel.traces.exporter",
        any
                || has(
                    configured,
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "otel.exporter.otlp.traces.endpoint")
            ? "otlp"
            : "none");
    d.put(
        "otel.metrics.exporter",
        any
                || has(
                    configured,
                    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                    "otel.exporter.otlp.metrics.endpoint")
            ? "otlp"
            : "none");
    return d;
  }

  private static boolean has(Map<String, String> configured, String env, String key) {
    String v = configured.get(key);
    if (v == null) {
      v = System.getenv(env);
    }
    return v != null && !v.isBlank();
  }
}
