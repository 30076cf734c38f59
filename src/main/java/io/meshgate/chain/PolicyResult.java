package io.meshgate.chain;

import java.util.Map;
import java.util.Objects;

/** Outcome of a policy: go on, or refuse the call. Expected refusals are data, never exceptions. */
public sealed interface PolicyResult permits PolicyResult.Proceed, PolicyResult.Reject {

  /** The one "go on" result. */
  PolicyResult PROCEED = new Proceed();

  static PolicyResult proceed() {
    return PROCEED;
  }

  static Reject reject(int status, String errorKey, String message) {
    return new Reject(status, errorKey, message, Map.of());
  }

  static Reject reject(int status, String errorKey, String message, Map<String, String> headers) {
    return new Reject(status, errorKey, message, headers);
  }

  /** Go on with the next policy. */
  record Proceed() implements PolicyResult {}

  /**
   * Refuse the call; rendered as {@code application/problem+json}.
   *
   * @param status HTTP status
   * @param errorKey stable UPPER_SNAKE key, documented in the policy's package-info
   * @param message human-readable detail; never contains a secret
   * @param headers extra response headers, e.g. {@code WWW-Authenticate}
   */
  record Reject(int status, String errorKey, String message, Map<String, String> headers)
      implements PolicyResult {
    public Reject {
      Objects.requireNonNull(errorKey, "errorKey");
      Objects.requireNonNull(message, "message");
      headers = Map.copyOf(headers);
    }
  }
}
