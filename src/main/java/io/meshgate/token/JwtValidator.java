package io.meshgate.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * The one validator for every JWT meshgate accepts: its own OAuth access tokens, admin tokens and
 * tokens of external identity providers. It follows RFC 8725 and refuses before any cryptography
 * what a well-formed token never has:
 *
 * <ul>
 *   <li>more than {@link #MAX_TOKEN_CHARS} characters, anything but three base64url parts, JSON
 *       nested deeper than {@link #MAX_JSON_DEPTH}, duplicate header members;
 *   <li>an algorithm outside the profile's allow-list ({@code none} in any spelling and HMAC are
 *       never in one);
 *   <li>{@code crit}, {@code zip}, {@code b64} or a nested token ({@code cty: JWT});
 *   <li>no {@code kid}, or one the configured key set does not hold. The key is looked up by {@code
 *       kid} only: {@code jku}, {@code x5u}, {@code x5c} and {@code jwk} are never read, so no
 *       token can make the gateway fetch anything;
 *   <li>a key whose type, curve or declared {@code alg} does not fit the token's algorithm.
 * </ul>
 *
 * Then jose4j checks the signature (with only that algorithm permitted), {@code iss}, {@code aud},
 * {@code exp} (required) and {@code nbf} with the profile's skew. Every failure is an {@link
 * InvalidTokenException}; nothing else escapes.
 */
public final class JwtValidator {
  public static final int MAX_TOKEN_CHARS = 8192;
  public static final int MAX_JSON_DEPTH = 8;
  public static final int MAX_KID_CHARS = 256;

  private JwtValidator() {}

  /**
   * @return the claims of a token valid at {@code now}
   * @throws InvalidTokenException with a short reason safe to show the caller
   */
  public static JwtClaims validate(String token, JwtProfile profile, KeySource keys, Instant now) {
    try {
      return check(token, profile, keys, now);
    } catch (InvalidTokenException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      // Whatever a crafted token provokes in a parser is a refusal, never a 500.
      throw new InvalidTokenException("malformed token");
    }
  }

  private static JwtClaims check(String token, JwtProfile profile, KeySource keys, Instant now) {
    if (token == null || token.isEmpty()) {
      throw new InvalidTokenException("no token");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException("token too large");
    }
    int firstDot = token.indexOf('.');
    int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (firstDot <= 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
      throw new InvalidTokenException("not a signed JWT (three dot-separated parts)");
    }
    if (secondDot == token.length() - 1) {
      throw new InvalidTokenException("token is not signed");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c != '.' && !isBase64Url(c)) {
        throw new InvalidTokenException("token is not base64url");
      }
    }
    String headerJson = decode(token.substring(0, firstDot));
    String claimsJson = decode(token.substring(firstDot + 1, secondDot));
    checkDepth(headerJson);
    checkDepth(claimsJson);
    Map<String, Object> header;
    try {
      header = JsonUtil.parseJson(headerJson);
    } catch (JoseException | ClassCastException e) {
      throw new InvalidTokenException("malformed token header");
    }
    Object alg = header.get("alg");
    if (!(alg instanceof String algorithm) || !profile.algorithms().contains(algorithm)) {
      throw new InvalidTokenException("algorithm not allowed");
    }
    for (String refused : new String[] {"crit", "zip", "b64"}) {
      if (header.containsKey(refused)) {
        throw new InvalidTokenException("header '" + refused + "' not supported");
      }
    }
    Object cty = header.get("cty");
    if (cty != null
        && (!(cty instanceof String s)
            || s.equalsIgnoreCase("JWT")
            || s.toLowerCase(java.util.Locale.ROOT).endsWith("/jwt"))) {
      throw new InvalidTokenException("nested tokens are not accepted");
    }
    if (profile.type() != null && !typeMatches(header.get("typ"), profile.type())) {
      throw new InvalidTokenException("wrong token type");
    }
    Object kid = header.get("kid");
    if (!(kid instanceof String keyId) || keyId.isEmpty() || keyId.length() > MAX_KID_CHARS) {
      throw new InvalidTokenException("token names no key");
    }
    PublicJsonWebKey key =
        Optional.ofNullable(keys.key(keyId))
            .orElse(Optional.empty())
            .orElseThrow(() -> new InvalidTokenException("unknown key"));
    if (!fits(key, algorithm)) {
      throw new InvalidTokenException("key does not fit the algorithm");
    }
    JwtConsumerBuilder consumer =
        new JwtConsumerBuilder()
            .setRequireExpirationTime()
            .setAllowedClockSkewInSeconds(
                (int) Math.min(Integer.MAX_VALUE, profile.skew().toSeconds()))
            .setExpectedIssuer(true, profile.issuer())
            .setExpectedAudience(true, profile.audiences().toArray(String[]::new))
            .setEvaluationTime(NumericDate.fromMilliseconds(now.toEpochMilli()))
            .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithm)
            .setVerificationKey(key.getKey());
    if (profile.requireSubject()) {
      consumer.setRequireSubject();
    }
    try {
      return consumer.build().processToClaims(token);
    } catch (InvalidJwtException e) {
      throw new InvalidTokenException(reason(e));
    }
  }

  private static boolean isBase64Url(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  private static String decode(String part) {
    if (part.isEmpty()) {
      throw new InvalidTokenException("malformed token");
    }
    try {
      return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("token is not base64url");
    }
  }

  /** Refuses JSON nested deeper than {@link #MAX_JSON_DEPTH} before a recursive parser sees it. */
  static void checkDepth(String json) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_JSON_DEPTH) {
          throw new InvalidTokenException("token JSON nested too deeply");
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
  }

  private static boolean typeMatches(Object typ, String required) {
    if (!(typ instanceof String t)) {
      return false;
    }
    return t.equalsIgnoreCase(required) || t.equalsIgnoreCase("application/" + required);
  }

  /** A key is used only with its own algorithm: right type, curve and size, same declared alg. */
  static boolean fits(PublicJsonWebKey key, String algorithm) {
    if (key.getAlgorithm() != null && !key.getAlgorithm().equals(algorithm)) {
      return false;
    }
    if (key.getUse() != null && !key.getUse().equals("sig")) {
      return false;
    }
    if (algorithm.startsWith("ES")) {
      if (!(key instanceof EllipticCurveJsonWebKey ec)) {
        return false;
      }
      return curveFor(algorithm).equals(ec.getCurveName()) && ec.getKey() instanceof ECPublicKey;
    }
    if (!(key instanceof RsaJsonWebKey rsa)) {
      return false;
    }
    BigInteger modulus = rsa.getRsaPublicKey().getModulus();
    return modulus.bitLength() >= 2048;
  }

  private static String curveFor(String algorithm) {
    return switch (algorithm) {
      case "ES256" -> EllipticCurves.P_256;
      case "ES384" -> EllipticCurves.P_384;
      case "ES512" -> EllipticCurves.P_521;
      default -> "";
    };
  }

  private static String reason(InvalidJwtException e) {
    if (e.hasExpired()) {
      return "token expired";
    }
    if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
      return "signature not valid";
    }
    if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
      return "wrong issuer";
    }
    if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
        || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
      return "wrong audience";
    }
    if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
      return "token not yet valid";
    }
    if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
      return "token has no expiry";
    }
    if (e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
      return "token has no subject";
    }
    return "token not valid";
  }
}
