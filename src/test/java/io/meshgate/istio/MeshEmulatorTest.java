package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.istio.MeshEmulator.Decision;
import io.meshgate.istio.MeshEmulator.Destination;
import io.meshgate.istio.MeshEmulator.Request;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MeshEmulator} decides as Istio documents it, on hand-written policies (not meshgate's):
 * JWT validation outcomes, ALLOW/DENY evaluation, condition semantics and route selection. Keys are
 * generated per test; the clock is fixed.
 */
class MeshEmulatorTest {
  private static final String ISSUER = "https://issuer.example";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private EllipticCurveJsonWebKey key;
  private String jwks;

  @BeforeEach
  void keys() throws Exception {
    key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    key.setKeyId("k1");
    jwks = new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  // ------------------------------------------------------------------ token minting

  private String token(JwtClaims claims, String kid) throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(kid);
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    return jws.getCompactSerialization();
  }

  private static JwtClaims claims(String issuer, String plan) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setSubject("client-7");
    claims.setAudience("reviews");
    claims.setIssuedAt(NumericDate.fromSeconds(NOW.getEpochSecond() - 600));
    claims.setExpirationTime(NumericDate.fromSeconds(NOW.getEpochSecond() + 300));
    if (plan != null) {
      claims.setClaim("plan", plan);
    }
    return claims;
  }

  private String token(String plan) throws Exception {
    return token(claims(ISSUER, plan), "k1");
  }

  // ------------------------------------------------------------------ resources

  private Map<String, Object> requestAuthentication() {
    return Yamls.loadOne(
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: jwt, namespace: shop}
        spec:
          jwtRules:
            - issuer: %s
              audiences: [reviews]
              jwks: '%s'
        """
            .formatted(ISSUER, jwks));
  }

  /** ALLOW a plan's callers only when the plan header agrees with the token's plan claim. */
  private static final String ALLOW_PLAN_MATCHES_HEADER =
      """
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: plan-header-agrees, namespace: shop}
      spec:
        action: ALLOW
        rules:
          - from: [{source: {requestPrincipals: ["https://issuer.example/*"]}}]
            when:
              - {key: "request.auth.claims[plan]", values: [premium]}
              - {key: "request.headers[x-client-plan]", values: [premium]}
          - from: [{source: {requestPrincipals: ["https://issuer.example/*"]}}]
            when:
              - {key: "request.auth.claims[plan]", values: [basic]}
              - {key: "request.headers[x-client-plan]", values: [basic]}
      """;

  private MeshEmulator emulator(Map<String, Object> ra, String... yamls) {
    List<Map<String, Object>> docs = new ArrayList<>();
    docs.add(ra);
    for (String yaml : yamls) {
      docs.addAll(Yamls.loadAll(yaml));
    }
    return new MeshEmulator(docs, CLOCK);
  }

  private static Request get(String path) {
    return Request.of("GET", path);
  }

  // ------------------------------------------------------------------ authorization

  @Test
  void allowsAPrincipalOfTheIssuerWhoseClaimAgreesWithTheHeader() throws Exception {
    Decision d =
        emulator(requestAuthentication(), ALLOW_PLAN_MATCHES_HEADER)
            .handle(
                get("/reviews/1")
                    .withBearer(token("premium"))
                    .withHeader("x-client-plan", "premium"));
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.requestPrincipal()).contains(ISSUER + "/client-7");
  }

  @Test
  void refusesWhenTheHeaderClaimsAnotherPlanThanTheToken() throws Exception {
    Decision d =
        emulator(requestAuthentication(), ALLOW_PLAN_MATCHES_HEADER)
            .handle(
                get("/reviews/1")
                    .withBearer(token("basic"))
                    .withHeader("x-client-plan", "premium"));
    assertThat(d.status()).isEqualTo(403);
    assertThat(d.reason()).contains("no ALLOW policy matches");
  }

  @Test
  void noTokenIsAnonymousDeniedByAnAllowPolicyAndAllowedWithoutAny() {
    Request anonymous = get("/reviews/1").withHeader("x-client-plan", "premium");
    assertThat(emulator(requestAuthentication(), ALLOW_PLAN_MATCHES_HEADER).handle(anonymous))
        .extracting(Decision::status, Decision::requestPrincipal)
        .containsExactly(403, Optional.empty());
    assertThat(emulator(requestAuthentication()).handle(anonymous).status()).isEqualTo(200);
  }

  @Test
  void anAllowPolicyWithoutRulesAllowsNothingAndOneWithAnEmptyRuleEverything() throws Exception {
    String noRules =
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
            + "metadata: {name: none, namespace: shop}\nspec: {action: ALLOW}\n";
    String emptyRule =
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
            + "metadata: {name: all, namespace: shop}\nspec: {action: ALLOW, rules: [{}]}\n";
    assertThat(emulator(requestAuthentication(), noRules).handle(get("/")).status()).isEqualTo(403);
    assertThat(emulator(requestAuthentication(), emptyRule).handle(get("/")).status())
        .isEqualTo(200);
  }

  @Test
  void denyWithMethodsAndAPathTemplateBeatsAnAllowEverything() throws Exception {
    MeshEmulator mesh =
        emulator(
            requestAuthentication(),
            """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow-all, namespace: shop}
            spec: {action: ALLOW, rules: [{}]}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: no-deletes, namespace: shop}
            spec:
              action: DENY
              rules:
                - to: [{operation: {methods: [DELETE], paths: ["/api/{*}/items/{**}"]}}]
            """);
    assertThat(mesh.handle(Request.of("DELETE", "/api/v1/items/42")).status()).isEqualTo(403);
    assertThat(mesh.handle(Request.of("DELETE", "/api/v1/items/42")).reason())
        .contains("shop/no-deletes");
    assertThat(mesh.handle(Request.of("GET", "/api/v1/items/42")).status()).isEqualTo(200);
    // {*} is exactly one segment: two segments between /api and /items escape the DENY.
    assertThat(mesh.handle(Request.of("DELETE", "/api/v1/x/items/42")).status()).isEqualTo(200);
  }

  @Test
  void notValuesDenyEveryValueOutsideTheListAndAnAbsentClaimToo() throws Exception {
    MeshEmulator mesh =
        emulator(
            requestAuthentication(),
            """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: known-plans-only, namespace: shop}
            spec:
              action: DENY
              rules:
                - from: [{source: {requestPrincipals: ["*"]}}]
                  when: [{key: "request.auth.claims[plan]", notValues: [premium, basic]}]
            """);
    assertThat(mesh.handle(get("/").withBearer(token("gold"))).status()).isEqualTo(403);
    assertThat(mesh.handle(get("/").withBearer(token("premium"))).status()).isEqualTo(200);
    // No plan claim: no value is in notValues, so the condition holds and the DENY applies.
    assertThat(mesh.handle(get("/").withBearer(token(null))).status()).isEqualTo(403);
    // requestPrincipals ["*"] needs a principal: an anonymous request is not denied here.
    assertThat(mesh.handle(get("/")).status()).isEqualTo(200);
  }

  @Test
  void notRequestPrincipalsDenyIsHowAJwtIsRequired() throws Exception {
    MeshEmulator mesh =
        emulator(
            requestAuthentication(),
            """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: require-jwt, namespace: shop}
            spec:
              action: DENY
              rules: [{from: [{source: {notRequestPrincipals: ["https://issuer.example/*"]}}]}]
            """);
    assertThat(mesh.handle(get("/")).status()).isEqualTo(403);
    assertThat(mesh.handle(get("/").withBearer(token("basic"))).status()).isEqualTo(200);
  }

  @Test
  void customPoliciesAreIgnoredAndUnsupportedFieldsThrow() {
    String custom =
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
            + "metadata: {name: ext, namespace: shop}\n"
            + "spec: {action: CUSTOM, provider: {name: opa}, rules: [{}]}\n";
    assertThat(emulator(requestAuthentication(), custom).handle(get("/")).status()).isEqualTo(200);
    String ipBlocks =
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
            + "metadata: {name: ips, namespace: shop}\n"
            + "spec: {rules: [{from: [{source: {ipBlocks: [10.0.0.0/8]}}]}]}\n";
    assertThatThrownBy(() -> emulator(requestAuthentication(), ipBlocks).handle(get("/")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("ipBlocks");
  }

  // ------------------------------------------------------------------ authentication

  @Test
  void aTokenOfAnotherIssuerIsRefused() throws Exception {
    Decision d =
        emulator(requestAuthentication())
            .handle(get("/").withBearer(token(claims("https://other.example", "basic"), "k1")));
    assertThat(d.status()).isEqualTo(401);
    assertThat(d.reason()).isEqualTo("Jwt issuer is not configured: https://other.example");
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() throws Exception {
    JwtClaims claims = claims(ISSUER, "basic");
    claims.setAudience("ratings");
    Decision d = emulator(requestAuthentication()).handle(get("/").withBearer(token(claims, "k1")));
    assertThat(d)
        .extracting(Decision::status, Decision::reason)
        .containsExactly(401, "Audiences in Jwt are not allowed");
  }

  @Test
  void anExpiredTokenIsRefusedBeyondTheClockSkewOnly() throws Exception {
    JwtClaims expired = claims(ISSUER, "basic");
    expired.setExpirationTime(NumericDate.fromSeconds(NOW.getEpochSecond() - 61));
    assertThat(emulator(requestAuthentication()).handle(get("/").withBearer(token(expired, "k1"))))
        .extracting(Decision::status, Decision::reason)
        .containsExactly(401, "Jwt is expired");
    JwtClaims justExpired = claims(ISSUER, "basic");
    justExpired.setExpirationTime(NumericDate.fromSeconds(NOW.getEpochSecond() - 30));
    assertThat(
            emulator(requestAuthentication()).handle(get("/").withBearer(token(justExpired, "k1"))))
        .extracting(Decision::status, Decision::reason)
        .containsExactly(200, "allowed; no routing resource");
  }

  @Test
  void anUnsignedTokenIsRefused() throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims(ISSUER, "premium").toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
    jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
    String none = jws.getCompactSerialization();
    assertThat(none).endsWith(".");

    Decision d = emulator(requestAuthentication()).handle(get("/").withBearer(none));
    assertThat(d.status()).isEqualTo(401);
    assertThat(d.requestPrincipal()).isEmpty();
  }

  @Test
  void aTokenSignedWithAnUnknownKidIsRefused() throws Exception {
    Decision d =
        emulator(requestAuthentication())
            .handle(get("/").withBearer(token(claims(ISSUER, "basic"), "k2")));
    assertThat(d)
        .extracting(Decision::status, Decision::reason)
        .containsExactly(401, "Jwks doesn't have key to match kid or alg from Jwt");
  }

  @Test
  void aTokenSignedByAnotherKeyWithTheSameKidIsRefused() throws Exception {
    String good = token("basic");
    key = EcJwkGenerator.generateJwk(EllipticCurves.P256); // jwks still holds the first key
    String forged = token("basic");
    assertThat(emulator(requestAuthentication()).handle(get("/").withBearer(good)).status())
        .isEqualTo(200);
    assertThat(emulator(requestAuthentication()).handle(get("/").withBearer(forged)).status())
        .isEqualTo(401);
  }

  // ------------------------------------------------------------------ routing

  private static final String CANARY =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: shop}
      spec:
        hosts: [reviews]
        http:
          - match:
              - headers: {x-client-plan: {exact: premium}}
              - headers: {x-canary: {prefix: "yes"}}
            route: [{destination: {host: reviews, subset: v2}}]
          - route:
              - {destination: {host: reviews, subset: v1}, weight: 90}
              - {destination: {host: reviews, subset: v3}, weight: 10}
      """;

  @Test
  void virtualServiceSendsPremiumToV2AndSplitsTheRestAsACanary() {
    MeshEmulator mesh = emulator(requestAuthentication(), CANARY);
    assertThat(mesh.handle(get("/").toHost("reviews", 9080).withHeader("x-client-plan", "premium")))
        .extracting(Decision::status, Decision::destinations)
        .containsExactly(
            200, List.of(new Destination("reviews", Optional.of("v2"), Optional.empty(), 100)));
    assertThat(
            mesh.handle(get("/").toHost("reviews", 9080).withHeader("x-canary", "yes-please"))
                .destinations())
        .extracting(d -> d.subset().orElseThrow())
        .containsExactly("v2");
    assertThat(
            mesh.handle(get("/").toHost("reviews", 9080).withHeader("x-client-plan", "basic"))
                .destinations())
        .containsExactly(
            new Destination("reviews", Optional.of("v1"), Optional.empty(), 90),
            new Destination("reviews", Optional.of("v3"), Optional.empty(), 10));
  }

  @Test
  void httpRouteHeaderMatchWinsOverTheDefaultRuleWhateverTheirOrder() {
    MeshEmulator mesh =
        emulator(
            requestAuthentication(),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: reviews, namespace: shop}
            spec:
              parentRefs: [{group: "", kind: Service, name: reviews, port: 9080}]
              rules:
                - backendRefs: [{name: reviews-v1, port: 9080}]
                - matches: [{headers: [{name: x-client-plan, value: premium}]}]
                  backendRefs:
                    - {name: reviews-v2, port: 9080, weight: 80}
                    - {name: reviews-v3, port: 9080, weight: 20}
            """);
    assertThat(mesh.handle(get("/").withHeader("x-client-plan", "premium")).destinations())
        .containsExactly(
            new Destination("reviews-v2", Optional.empty(), Optional.of(9080), 80),
            new Destination("reviews-v3", Optional.empty(), Optional.of(9080), 20));
    assertThat(mesh.handle(get("/").withHeader("x-client-plan", "basic")).destinations())
        .containsExactly(new Destination("reviews-v1", Optional.empty(), Optional.of(9080), 1));
  }

  @Test
  void pathTemplatesAndWildcardsFollowIstio() {
    assertThat(MeshEmulator.pathMatches("/api/{*}/items", "/api/v1/items")).isTrue();
    assertThat(MeshEmulator.pathMatches("/api/{*}/items", "/api//items")).isFalse();
    assertThat(MeshEmulator.pathMatches("/api/{**}", "/api/a/b/c")).isTrue();
    assertThat(MeshEmulator.pathMatches("/api/*", "/api/anything/else")).isTrue();
    assertThat(MeshEmulator.pathMatches("*.json", "/a/b.json")).isTrue();
    assertThat(MeshEmulator.stringMatches("*", "")).isFalse();
    assertThatThrownBy(() -> MeshEmulator.pathMatches("/api/{**}/x", "/api/a/x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
