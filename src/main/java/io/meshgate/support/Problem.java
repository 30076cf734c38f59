package io.meshgate.support;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one error shape of meshgate, RFC 9457 {@code application/problem+json}: {@code type}, {@code
 * title}, {@code status}, {@code detail}, and the stable {@code errorKey} clients switch on; a 400
 * about a request body also lists its {@code violations}, one per bad field.
 */
public record Problem(
    int status,
    String errorKey,
    String detail,
    Map<String, String> headers,
    List<Violation> violations) {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_PREFIX = "urn:meshgate:problem:";

  public Problem {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    violations = violations == null ? List.of() : List.copyOf(violations);
  }

  public Problem(int status, String errorKey, String detail, Map<String, String> headers) {
    this(status, errorKey, detail, headers, List.of());
  }

  public Problem(int status, String errorKey, String detail) {
    this(status, errorKey, detail, Map.of(), List.of());
  }

  /**
   * One invalid field of a request: {@code field} is its path in the request body ({@code
   * steps[2].config.limit}, {@code rateLimit.limit}), {@code message} says what is wrong.
   */
  public record Violation(String field, String message) {}

  /** {@code urn:meshgate:problem:subscription-required} for {@code SUBSCRIPTION_REQUIRED}. */
  public String type() {
    return TYPE_PREFIX + errorKey.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String title() {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Error";
    };
  }

  /**
   * The JSON body; {@code requestId} is added when known, and {@code traceId} when a trace is
   * current on this thread, to match the caller's log with ours and with the trace.
   */
  public String toJson(String requestId) {
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("type", type())
            .add("title", title())
            .add("status", status)
            .add("detail", detail)
            .add("errorKey", errorKey);
    if (!violations.isEmpty()) {
      JsonArrayBuilder list = Json.createArrayBuilder();
      for (Violation v : violations) {
        list.add(Json.createObjectBuilder().add("field", v.field()).add("message", v.message()));
      }
      body.add("violations", list);
    }
    if (requestId != null) {
      body.add("requestId", requestId);
    }
    SpanContext trace = Span.current().getSpanContext();
    if (trace.isValid()) {
      body.add("traceId", trace.getTraceId());
    }
    return body.build().toString();
  }
}
