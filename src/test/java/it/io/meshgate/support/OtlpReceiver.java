package it.io.meshgate.support;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A test OTLP/HTTP receiver: accepts what an OpenTelemetry SDK exports to {@code /v1/traces} and
 * {@code /v1/metrics} ({@code http/protobuf}) and keeps the spans, decoded with OpenTelemetry's own
 * protobuf classes.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<Received> spans = new CopyOnWriteArrayList<>();
  private volatile int metricExports;

  /** One span as received, ids in lowercase hex, attributes as strings. */
  public record Received(
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      Span.SpanKind kind,
      Map<String, String> attributes,
      String serviceName) {}

  public OtlpReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in);
            for (ResourceSpans rs : request.getResourceSpansList()) {
              String service =
                  rs.getResource().getAttributesList().stream()
                      .filter(kv -> kv.getKey().equals("service.name"))
                      .map(kv -> kv.getValue().getStringValue())
                      .findFirst()
                      .orElse(null);
              for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                  spans.add(
                      new Received(
                          hex(s.getTraceId().toByteArray()),
                          hex(s.getSpanId().toByteArray()),
                          hex(s.getParentSpanId().toByteArray()),
                          s.getName(),
                          s.getKind(),
                          s.getAttributesList().stream()
                              .collect(
                                  Collectors.toMap(
                                      KeyValue::getKey, kv -> text(kv.getValue()), (a, b) -> b)),
                          service));
                }
              }
            }
          }
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.createContext(
        "/v1/metrics",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          metricExports++;
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  private static String text(io.opentelemetry.proto.common.v1.AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString();
    };
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many metric exports arrived. */
  public int metricExports() {
    return metricExports;
  }

  /** The spans of a trace once one of {@code kind} and at least {@code atLeast} in all came. */
  public List<Received> trace(String traceId, int atLeast, Span.SpanKind kind) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (true) {
      List<Received> found = spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
      if ((found.size() >= atLeast && found.stream().anyMatch(s -> s.kind() == kind))
          || Instant.now().isAfter(deadline)) {
        return found;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return found;
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
