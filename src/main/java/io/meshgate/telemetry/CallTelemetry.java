package io.meshgate.telemetry;

import io.meshgate.chain.HeaderList;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts and ends the telemetry of each API call ({@link Call}): its trace context (continued from
 * the client's W3C or B3 headers, or new), its spans, its metrics, and the {@link CallRecord} every
 * {@link CallSink} receives.
 */
@ApplicationScoped
public class CallTelemetry {
  private static final Logger LOG = Logger.getLogger(CallTelemetry.class.getName());

  static final AttributeKey<String> API = AttributeKey.stringKey("api");
  static final AttributeKey<String> PLAN = AttributeKey.stringKey("plan");
  static final AttributeKey<String> APP = AttributeKey.stringKey("app");
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("method");
  static final AttributeKey<String> STATUS_CLASS = AttributeKey.stringKey("status_class");
  static final AttributeKey<String> ERROR_KEY = AttributeKey.stringKey("error_key");
  static final AttributeKey<String> POLICY = AttributeKey.stringKey("policy");

  /** Seconds: 0.5 ms to 30 s, fine where a gateway's own time lies. */
  static final List<Double> BUCKETS =
      List.of(
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
          30.0);

  static final TextMapGetter<HeaderList> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HeaderList carrier) {
          List<String> keys = new ArrayList<>();
          carrier.forEach((name, value) -> keys.add(HeaderList.normalize(name)));
          return keys;
        }

        @Override
        public String get(HeaderList carrier, String key) {
          return carrier == null ? null : carrier.first(key);
        }
      };

  static final TextMapSetter<HeaderList> SETTER = (carrier, key, value) -> carrier.set(key, value);

  @Inject Telemetry telemetry;
  @Inject AppLabels appLabels;
  @Inject Instance<CallSink> sinkBeans;

  private CallSink[] sinks;
  private LongCounter requests;
  private LongCounter refusals;
  private DoubleHistogram duration;
  private DoubleHistogram upstreamDuration;
  private final IdGenerator ids = IdGenerator.random();

  @PostConstruct
  void init() {
    List<CallSink> list = new ArrayList<>();
    sinkBeans.forEach(list::add);
    sinks = list.toArray(CallSink[]::new);
    Meter meter = telemetry.meter();
    requests =
        meter
            .counterBuilder("meshgate.requests")
            .setDescription("API calls, by API, plan, app, method, status class and errorKey")
            .setUnit("{request}")
            .build();
    refusals =
        meter
            .counterBuilder("meshgate.refusals")
            .setDescription("API calls refused by a policy, by API, policy stage and errorKey")
            .setUnit("{request}")
            .build();
    duration =
        meter
            .histogramBuilder("meshgate.request.duration")
            .setDescription("Time from receipt of an API call to the last byte of its answer")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
    upstreamDuration =
        meter
            .histogramBuilder("meshgate.upstream.duration")
            .setDescription("Time an API call spent in the upstream call")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
  }

  /** Starts a call's telemetry and makes its span current on this thread until {@link Call#end}. */
  public Call begin(HeaderList requestHeaders, String method, Instant receivedAt, long startNanos) {
    Context parent = Context.root();
    B3Format b3 = B3Format.NONE;
    if (telemetry.enabled()) {
      b3 = B3Format.of(requestHeaders);
      parent = W3CTraceContextPropagator.getInstance().extract(parent, requestHeaders, GETTER);
      if (b3 != B3Format.NONE
          && !io.opentelemetry.api.trace.Span.fromContext(parent).getSpanContext().isValid()) {
        parent = B3Propagator.injectingSingleHeader().extract(parent, requestHeaders, GETTER);
      }
    }
    return new Call(this, parent, b3, method, receivedAt, startNanos);
  }

  Telemetry telemetry() {
    return telemetry;
  }

  /** Ids for a span that is not recorded: continues the parent's trace or starts one. */
  SpanContext unrecordedContext(SpanContext parent, String name) {
    if (parent.isValid()) {
      return SpanContext.create(
          parent.getTraceId(),
          ids.generateSpanId(),
          parent.getTraceFlags(),
          parent.getTraceState());
    }
    String traceId = ids.generateTraceId();
    boolean sampled =
        telemetry
                .sampler()
                .shouldSample(
                    Context.root(), traceId, name, SpanKind.SERVER, Attributes.empty(), List.of())
                .getDecision()
            == SamplingDecision.RECORD_AND_SAMPLE;
    return SpanContext.create(
        traceId,
        ids.generateSpanId(),
        sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
        TraceState.getDefault());
  }

  String newSpanId() {
    return ids.generateSpanId();
  }

  void record(CallRecord call, String appLabel) {
    if (telemetry.enabled()) {
      String statusClass = call.statusClass();
      var attributes = Attributes.builder().put(API, orDash(call.api())).put(METHOD, call.method());
      if (call.plan() != null) {
        attributes.put(PLAN, call.plan());
      }
      if (appLabel != null) {
        attributes.put(APP, appLabel);
      }
      attributes.put(STATUS_CLASS, statusClass);
      Attributes timing = attributes.build();
      if (call.errorKey() != null) {
        attributes.put(ERROR_KEY, call.errorKey());
      }
      requests.add(1, attributes.build());
      duration.record(call.totalNanos() / 1e9, timing);
      if (call.upstreamNanos() >= 0) {
        Attributes upstream =
            call.plan() == null
                ? Attributes.of(API, orDash(call.api()), STATUS_CLASS, statusClass)
                : Attributes.of(
                    API, orDash(call.api()), PLAN, call.plan(), STATUS_CLASS, statusClass);
        upstreamDuration.record(call.upstreamNanos() / 1e9, upstream);
      }
      if (call.refusedBy() != null) {
        refusals.add(
            1,
            Attributes.of(
                API, orDash(call.api()), POLICY, call.refusedBy(), ERROR_KEY, call.errorKey()));
      }
    }
    for (CallSink sink : sinks) {
      try {
        sink.accept(call);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "MESHGATE-TELEMETRY: " + sink.getClass().getName() + " failed", e);
      }
    }
  }

  String appLabel(String app) {
    return appLabels.label(app);
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }

  /** How the client sent B3 context, so the upstream gets it the same way. */
  enum B3Format {
    NONE,
    SINGLE,
    MULTI;

    static B3Format of(HeaderList headers) {
      if (headers.contains("b3")) {
        return SINGLE;
      }
      return headers.contains("x-b3-traceid") ? MULTI : NONE;
    }
  }
}
