package io.meshgate.istio;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * The mesh's side of the contract, tested from inside the mesh: requests to a destination with
 * forged or mismatched tokens must be refused (401 or 403) by the destination's sidecar, and each
 * plan's genuine request must reach its version. A destination that accepts everything fails every
 * forged case; one with meshgate's compiled resources applied passes them all.
 *
 * <p>The genuine tokens are signed with the gateway's active key, live 60 seconds and name the
 * subject {@value #SUBJECT}; the forged ones differ from a genuine one in exactly one way.
 */
public final class Conformance {
  /** The {@code sub} of every token the self-test mints. */
  public static final String SUBJECT = "meshgate-conformance";

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private Conformance() {}

  /**
   * What to test.
   *
   * @param url a URL of the destination, reached the way the gateway reaches it
   * @param versionsByPlan each plan and the versions its calls may reach (several for a canary)
   * @param versionHeader the response header that names the version, or null
   * @param versionField the JSON field (dotted path) that names it, or null; a value names a
   *     version when it equals it or has it as a part ({@code reviews-v2-5d4f8b9c-x7k2q})
   */
  public record Target(
      URI url,
      String issuer,
      String audience,
      String planClaim,
      String planHeader,
      Map<String, Set<String>> versionsByPlan,
      String versionHeader,
      String versionField) {}

  /**
   * One case: what was sent, what the mesh should do, what it did.
   *
   * @param status the HTTP status the destination answered, 0 when it could not be reached
   */
  public record Case(String name, String expectation, boolean passed, int status, String detail) {}

  /** Every case, in the order run. */
  public record Result(String target, List<Case> cases) {
    public long failures() {
      return cases.stream().filter(c -> !c.passed()).count();
    }
  }

  /**
   * Runs the matrix.
   *
   * @param sign signs claims with the gateway's active key (the kid header set)
   */
  public static Result run(
      Target target, Function<JwtClaims, String> sign, HttpClient client, Clock clock) {
    List<String> plans = new ArrayList<>(new java.util.TreeSet<>(target.versionsByPlan().keySet()));
    String plan = plans.isEmpty() ? "meshgate-conformance" : plans.get(0);
    String otherPlan = plans.size() > 1 ? plans.get(1) : plan + "-forged";
    long now = clock.instant().getEpochSecond();
    List<Case> cases = new ArrayList<>();

    cases.add(refused(target, client, "no token", null, plan));
    JwtClaims expired = claims(target, plan, now);
    expired.setIssuedAt(NumericDate.fromSeconds(now - 900));
    expired.setNotBefore(NumericDate.fromSeconds(now - 900));
    expired.setExpirationTime(NumericDate.fromSeconds(now - 600));
    cases.add(refused(target, client, "expired token", sign.apply(expired), plan));
    JwtClaims early = claims(target, plan, now);
    early.setNotBefore(NumericDate.fromSeconds(now + 600));
    early.setExpirationTime(NumericDate.fromSeconds(now + 900));
    cases.add(refused(target, client, "token not yet valid", sign.apply(early), plan));
    JwtClaims foreign = claims(target, plan, now);
    foreign.setIssuer(target.issuer() + "/forged");
    cases.add(refused(target, client, "wrong issuer", sign.apply(foreign), plan));
    cases.add(
        refused(
            target,
            client,
            "key not in the JWKS",
            signWithUnknownKey(claims(target, plan, now)),
            plan));
    JwtClaims otherApi = claims(target, plan, now);
    otherApi.setAudience(target.audience() + "/forged");
    cases.add(refused(target, client, "wrong audience", sign.apply(otherApi), plan));
    cases.add(refused(target, client, "alg none", unsigned(claims(target, plan, now)), plan));
    cases.add(
        refused(
            target,
            client,
            "header disagrees with the token's plan",
            sign.apply(claims(target, plan, now)),
            otherPlan));
    for (String p : plans) {
      cases.add(reaches(target, client, p, sign.apply(claims(target, p, now))));
    }
    return new Result(target.url().toString(), cases);
  }

  private static JwtClaims claims(Target target, String plan, long now) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(target.issuer());
    claims.setSubject(SUBJECT);
    claims.setAudience(target.audience());
    claims.setIssuedAt(NumericDate.fromSeconds(now));
    claims.setNotBefore(NumericDate.fromSeconds(now));
    claims.setExpirationTime(NumericDate.fromSeconds(now + 60));
    claims.setJwtId(UUID.randomUUID().toString());
    claims.setClaim(target.planClaim(), plan);
    return claims;
  }

  private static String signWithUnknownKey(JwtClaims claims) {
    try {
      EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(key.getPrivateKey());
      jws.setKeyIdHeaderValue("meshgate-conformance-unknown");
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("Cannot sign with a throw-away key", e);
    }
  }

  private static String unsigned(JwtClaims claims) {
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
      jws.setAlgorithmConstraints(
          org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS); // only to build the forgery
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("Cannot build an unsigned token", e);
    }
  }

  private static Case refused(
      Target target, HttpClient client, String name, String token, String planHeader) {
    String expectation = "refused with 401 or 403";
    Optional<Answer> r = send(target, client, token, planHeader);
    if (r.isEmpty()) {
      return new Case(name, expectation, false, 0, "the destination could not be reached");
    }
    int status = r.get().statusCode();
    boolean passed = status == 401 || status == 403;
    return new Case(
        name,
        expectation,
        passed,
        status,
        passed ? "refused" : "answered " + status + ": the mesh let it through");
  }

  private static Case reaches(Target target, HttpClient client, String plan, String token) {
    Set<String> versions = target.versionsByPlan().get(plan);
    String expectation = "plan " + plan + " reaches version " + String.join(" or ", versions);
    Optional<Answer> r = send(target, client, token, plan);
    String name = "plan " + plan + " reaches its version";
    if (r.isEmpty()) {
      return new Case(name, expectation, false, 0, "the destination could not be reached");
    }
    int status = r.get().statusCode();
    if (status / 100 != 2) {
      return new Case(name, expectation, false, status, "answered " + status);
    }
    Optional<String> version = version(target, r.get());
    if (version.isEmpty()) {
      return new Case(
          name,
          expectation,
          false,
          status,
          "the answer names no version ("
              + (target.versionHeader() != null
                  ? "header " + target.versionHeader()
                  : "field " + target.versionField())
              + ")");
    }
    boolean passed = versions.stream().anyMatch(v -> names(version.get(), v));
    // Shown only when it looks like a version or a pod name: the answer is not echoed at large.
    String shown =
        version.get().matches("[A-Za-z0-9._-]{1,63}") ? version.get() : "(a value not shown)";
    return new Case(name, expectation, passed, status, "reached version " + shown);
  }

  /**
   * Whether the answer's value names this version: equal to it, or one of its parts separated by
   * {@code - _ . /} (a pod name such as {@code reviews-v2-5d4f8b9c-x7k2q} names {@code v2}).
   */
  static boolean names(String value, String version) {
    if (value.equals(version)) {
      return true;
    }
    for (String part : value.split("[-_./]")) {
      if (part.equals(version)) {
        return true;
      }
    }
    return false;
  }

  private static Optional<String> version(Target target, Answer r) {
    if (target.versionHeader() != null) {
      return r.headers().firstValue(target.versionHeader());
    }
    try (var reader = Json.createReader(new StringReader(r.body()))) {
      JsonValue v = reader.readValue();
      for (String part : target.versionField().split("\\.")) {
        if (!(v instanceof JsonObject o) || !o.containsKey(part)) {
          return Optional.empty();
        }
        v = o.get(part);
      }
      return Optional.of(v instanceof jakarta.json.JsonString s ? s.getString() : v.toString());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The most of an answer's body read: enough for a version field, never a whole download. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** An answer: its status, headers and the start of its body. */
  private record Answer(int statusCode, java.net.http.HttpHeaders headers, String body) {}

  private static Optional<Answer> send(
      Target target, HttpClient client, String token, String planHeader) {
    HttpRequest.Builder b = HttpRequest.newBuilder(target.url()).timeout(TIMEOUT).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.header(target.planHeader(), planHeader);
    try {
      HttpResponse<java.io.InputStream> r =
          client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream in = r.body()) {
        byte[] head = in.readNBytes(MAX_BODY_BYTES);
        return Optional.of(
            new Answer(
                r.statusCode(),
                r.headers(),
                new String(head, java.nio.charset.StandardCharsets.UTF_8)));
      }
    } catch (java.io.IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The result as JSON. */
  public static JsonObject json(Result result) {
    JsonArrayBuilder cases = Json.createArrayBuilder();
    for (Case c : result.cases()) {
      cases.add(
          Json.createObjectBuilder()
              .add("name", c.name())
              .add("expectation", c.expectation())
              .add("passed", c.passed())
              .add("status", c.status())
              .add("detail", c.detail()));
    }
    JsonObjectBuilder out =
        Json.createObjectBuilder()
            .add("target", result.target())
            .add("passed", result.failures() == 0)
            .add("tests", result.cases().size())
            .add("failures", result.failures())
            .add("cases", cases);
    return out.build();
  }

  /** The result as a JUnit XML report (one test suite, one test case per case). */
  public static String junitXml(Result result) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append("<testsuite name=\"meshgate mesh conformance\" tests=\"")
        .append(result.cases().size())
        .append("\" failures=\"")
        .append(result.failures())
        .append("\" errors=\"0\" skipped=\"0\">\n");
    xml.append("  <properties><property name=\"target\" value=\"")
        .append(escape(result.target()))
        .append("\"/></properties>\n");
    for (Case c : result.cases()) {
      xml.append("  <testcase classname=\"meshgate.conformance\" name=\"")
          .append(escape(c.name()))
          .append('"');
      if (c.passed()) {
        xml.append("/>\n");
      } else {
        xml.append(">\n    <failure message=\"")
            .append(escape(c.detail()))
            .append("\">")
            .append(escape("expected: " + c.expectation() + "; " + c.detail()))
            .append("</failure>\n  </testcase>\n");
      }
    }
    return xml.append("</testsuite>\n").toString();
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char ch : text.toCharArray()) {
      switch (ch) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') {
            out.append(ch);
          }
        }
      }
    }
    return out.toString();
  }
}
