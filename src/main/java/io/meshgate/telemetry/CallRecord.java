package io.meshgate.telemetry;

import java.time.Instant;

/**
 * What one API call was, once its answer is complete: the one record the access log, the metrics
 * and the analytics roll-ups are made from. Never holds a credential, a token or a query value.
 *
 * @param time when the gateway received the call
 * @param requestId the {@code x-request-id} the gateway used for the call
 * @param traceId the W3C trace id (32 lowercase hex digits) of the call's trace
 * @param spanId the id of the gateway's server span for the call
 * @param clientAddress the caller's address as the gateway trusts it
 * @param api the API's name, or {@code null} when no API is published at the path
 * @param apiVersion the API's version, or {@code null}
 * @param plan the plan the call ran under, or {@code null} before (or without) a subscription
 * @param app the authenticated app's name, or {@code null} before (or without) authentication
 * @param clientId the authenticated app's client id, or {@code null}
 * @param method the HTTP method
 * @param pathTemplate the API's base path, followed by {@code /*} when the call went below it;
 *     never the raw path (it may carry identifiers or secrets)
 * @param status the HTTP status answered
 * @param errorKey the problem's {@code errorKey} when the gateway refused or failed the call, or
 *     {@code null} (an upstream's own error status has none)
 * @param refusedBy the policy stage that refused the call ({@code client-auth}, {@code rate-limit},
 *     ...), or {@code null}
 * @param bytesIn request body bytes read from the client
 * @param bytesOut response body bytes written to the client
 * @param totalNanos time from receipt to the last byte written
 * @param upstreamNanos time spent in the upstream call, or {@code -1} when it was not called
 */
public record CallRecord(
    Instant time,
    String requestId,
    String traceId,
    String spanId,
    String clientAddress,
    String api,
    String apiVersion,
    String plan,
    String app,
    String clientId,
    String method,
    String pathTemplate,
    int status,
    String errorKey,
    String refusedBy,
    long bytesIn,
    long bytesOut,
    long totalNanos,
    long upstreamNanos) {

  /** {@code 2xx}, {@code 4xx}, ... */
  public String statusClass() {
    return statusClass(status);
  }

  public static String statusClass(int status) {
    return switch (status / 100) {
      case 1 -> "1xx";
      case 2 -> "2xx";
      case 3 -> "3xx";
      case 4 -> "4xx";
      default -> "5xx";
    };
  }

  /** Whether the call counts as an error: a 5xx, or any status the gateway itself refused with. */
  public boolean error() {
    return status >= 500 || errorKey != null;
  }
}
