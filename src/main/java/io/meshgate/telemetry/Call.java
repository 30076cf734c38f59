package io.meshgate.telemetry;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.HeaderList;
import io.meshgate.chain.PolicyChain;
import io.meshgate.chain.PolicyStage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import java.time.Instant;

/**
 * The telemetry of one API call, from receipt to the last byte: its server span (current on the
 * request thread meanwhile, so problem bodies carry its trace id), the policy stages and the
 * upstream call as child spans, and what the {@link CallRecord} is made of. Not thread-safe: one
 * request thread owns it.
 */
public final class Call implements PolicyChain.StageObserver {
  private final CallTelemetry owner;
  private final boolean recording;
  private final Span span;
  private final Context context;
  private final Scope scope;
  private final CallTelemetry.B3Format b3;
  private final String method;
  private final Instant receivedAt;
  private final long startNanos;

  private String api;
  private String apiVersion;
  private String pathTemplate;
  private ExchangeContext exchange;
  private String errorKey;
  private String clientAddress;
  private String requestId;
  private long bytesIn;
  private long bytesOut;
  private long upstreamStart = -1;
  private long upstreamNanos = -1;
  private Span upstreamSpan;
  private boolean ended;

  Call(
      CallTelemetry owner,
      Context parent,
      CallTelemetry.B3Format b3,
      String method,
      Instant receivedAt,
      long startNanos) {
    this.owner = owner;
    this.b3 = b3;
    this.method = method;
    this.receivedAt = receivedAt;
    this.startNanos = startNanos;
    Telemetry telemetry = owner.telemetry();
    this.recording = telemetry.enabled() && telemetry.tracesExported();
    if (!telemetry.enabled()) {
      span = Span.getInvalid();
    } else if (recording) {
      span =
          telemetry
              .tracer()
              .spanBuilder(method)
              .setParent(parent)
              .setSpanKind(SpanKind.SERVER)
              .setStartTimestamp(receivedAt)
              .setAttribute("http.request.method", method)
              .startSpan();
    } else {
      span = Span.wrap(owner.unrecordedContext(Span.fromContext(parent).getSpanContext(), method));
    }
    context = parent.with(span);
    scope = context.makeCurrent();
  }

  /** The W3C trace id, or {@code null} when telemetry is off. */
  public String traceId() {
    SpanContext c = span.getSpanContext();
    return c.isValid() ? c.getTraceId() : null;
  }

  public String spanId() {
    SpanContext c = span.getSpanContext();
    return c.isValid() ? c.getSpanId() : null;
  }

  /** The API the path resolved to; {@code belowBase} when the call went below its base path. */
  public void route(String apiName, String version, String basePath, boolean belowBase) {
    this.api = apiName;
    this.apiVersion = version;
    this.pathTemplate =
        belowBase ? (basePath.endsWith("/") ? basePath + "*" : basePath + "/*") : basePath;
    if (recording) {
      span.updateName(method + " " + pathTemplate);
      span.setAttribute(CallTelemetry.API, apiName);
      span.setAttribute("http.route", pathTemplate);
    }
  }

  public void requestId(String requestId) {
    this.requestId = requestId;
  }

  public void clientAddress(String address) {
    this.clientAddress = address;
  }

  /** The exchange, whose app and plan are read at the end; policy stages become child spans. */
  public void exchange(ExchangeContext exchange) {
    this.exchange = exchange;
    if (recording) {
      exchange.stageObserver(this);
    }
  }

  /** The errorKey of the problem the gateway answered with. */
  public void failed(String errorKey) {
    this.errorKey = errorKey;
  }

  public void bytesIn(long bytes) {
    this.bytesIn = Math.max(0, bytes);
  }

  public void addBytesOut(long bytes) {
    this.bytesOut += bytes;
  }

  @Override
  public Object enter(PolicyStage stage) {
    String name =
        switch (stage) {
          case CLIENT_AUTH -> "credential lookup";
          case RATE_LIMIT -> "limiter";
          case TOKEN -> "signing";
          default -> null;
        };
    if (name == null) {
      return null;
    }
    return owner
        .telemetry()
        .tracer()
        .spanBuilder(name)
        .setParent(context)
        .setAttribute(CallTelemetry.POLICY, stage.label())
        .startSpan();
  }

  @Override
  public void exit(Object token) {
    if (token instanceof Span s) {
      s.end();
    }
  }

  /**
   * The upstream call starts: a client span whose context replaces the client's trace headers in
   * what goes upstream ({@code traceparent}, {@code tracestate}, and B3 in the form the client
   * used), so the mesh's sidecars continue this trace.
   */
  public void upstreamStarts(HeaderList upstreamHeaders) {
    upstreamStart = System.nanoTime();
    if (!span.getSpanContext().isValid()) {
      return;
    }
    if (recording) {
      upstreamSpan =
          owner
              .telemetry()
              .tracer()
              .spanBuilder("upstream " + method)
              .setParent(context)
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute(CallTelemetry.API, api)
              .setAttribute("http.request.method", method)
              .startSpan();
    } else {
      SpanContext c = span.getSpanContext();
      upstreamSpan =
          Span.wrap(
              SpanContext.create(
                  c.getTraceId(), owner.newSpanId(), c.getTraceFlags(), c.getTraceState()));
    }
    upstreamHeaders.removeIf(Call::isTraceHeader);
    Context upstream = context.with(upstreamSpan);
    W3CTraceContextPropagator.getInstance().inject(upstream, upstreamHeaders, CallTelemetry.SETTER);
    if (b3 == CallTelemetry.B3Format.SINGLE) {
      B3Propagator.injectingSingleHeader().inject(upstream, upstreamHeaders, CallTelemetry.SETTER);
    } else if (b3 == CallTelemetry.B3Format.MULTI) {
      B3Propagator.injectingMultiHeaders().inject(upstream, upstreamHeaders, CallTelemetry.SETTER);
    }
  }

  /** The upstream call ended (its answer is in, or it failed) with this status, 0 if none. */
  public void upstreamEnds(int status) {
    if (upstreamStart < 0 || upstreamNanos >= 0) {
      return;
    }
    upstreamNanos = System.nanoTime() - upstreamStart;
    if (recording && upstreamSpan != null) {
      if (status > 0) {
        upstreamSpan.setAttribute("http.response.status_code", status);
      }
      if (status == 0 || status >= 500) {
        upstreamSpan.setStatus(StatusCode.ERROR);
      }
      upstreamSpan.end();
    }
  }

  static boolean isTraceHeader(String normalizedName) {
    return normalizedName.equals("traceparent")
        || normalizedName.equals("tracestate")
        || normalizedName.equals("b3")
        || normalizedName.startsWith("x-b3-");
  }

  /** Ends the call with the status answered; hands its record to the sinks. Idempotent. */
  public void end(int status) {
    if (ended) {
      return;
    }
    ended = true;
    upstreamEnds(0);
    long total = System.nanoTime() - startNanos;
    String plan = null;
    String app = null;
    String clientId = null;
    if (exchange != null) {
      bytesOut += exchange.bodyBytesOut();
      if (exchange.plan() != null) {
        plan = exchange.plan().name();
      }
      if (exchange.app() != null) {
        app = exchange.app().name();
        clientId = exchange.app().clientId();
      }
    }
    String refusedBy =
        exchange != null && exchange.refusedBy() != null ? exchange.refusedBy().label() : null;
    String appLabel = owner.appLabel(app);
    if (recording) {
      if (plan != null) {
        span.setAttribute(CallTelemetry.PLAN, plan);
      }
      if (appLabel != null) {
        span.setAttribute(CallTelemetry.APP, appLabel);
      }
      span.setAttribute("http.response.status_code", status);
      span.setAttribute(CallTelemetry.STATUS_CLASS, CallRecord.statusClass(status));
      if (errorKey != null) {
        span.setAttribute(CallTelemetry.ERROR_KEY, errorKey);
      }
      if (refusedBy != null) {
        span.setAttribute(CallTelemetry.POLICY, refusedBy);
      }
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }
    scope.close();
    owner.record(
        new CallRecord(
            receivedAt,
            requestId,
            traceId(),
            spanId(),
            clientAddress,
            api,
            apiVersion,
            plan,
            app,
            clientId,
            method,
            pathTemplate,
            status,
            errorKey,
            refusedBy,
            bytesIn,
            bytesOut,
            total,
            upstreamNanos),
        appLabel);
  }
}
