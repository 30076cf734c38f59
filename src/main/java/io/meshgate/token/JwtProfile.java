package io.meshgate.token;

import java.time.Duration;
import java.util.Set;

/**
 * What one kind of token must look like to be accepted (RFC 8725 §3: each issuer gets its own
 * profile).
 *
 * @param issuer the exact {@code iss}
 * @param audiences at least one of these must be in {@code aud}
 * @param algorithms the JWS algorithms allowed for this issuer (asymmetric ones only)
 * @param type the required {@code typ} (e.g. {@code at+jwt}; {@code application/} prefix accepted),
 *     or {@code null} where the profile does not fix one
 * @param skew allowed clock difference for {@code exp} and {@code nbf}
 * @param requireSubject whether {@code sub} must be present
 */
public record JwtProfile(
    String issuer,
    Set<String> audiences,
    Set<String> algorithms,
    String type,
    Duration skew,
    boolean requireSubject) {

  /** The algorithms any profile may allow: signatures with a public key, never HMAC or none. */
  public static final Set<String> ASYMMETRIC =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

  /** The algorithms of the gateway's own keys. */
  public static final Set<String> GATEWAY_ALGORITHMS = Set.of("ES256", "RS256");

  public JwtProfile {
    if (issuer == null || issuer.isEmpty()) {
      throw new IllegalArgumentException("A token profile needs an issuer");
    }
    if (audiences == null || audiences.isEmpty()) {
      throw new IllegalArgumentException("A token profile needs at least one audience");
    }
    audiences = Set.copyOf(audiences);
    algorithms = Set.copyOf(algorithms);
    if (algorithms.isEmpty() || !ASYMMETRIC.containsAll(algorithms)) {
      throw new IllegalArgumentException(
          "A token profile allows only " + ASYMMETRIC + " (was " + algorithms + ")");
    }
    if (skew == null || skew.isNegative()) {
      throw new IllegalArgumentException("The clock skew must not be negative");
    }
  }
}
