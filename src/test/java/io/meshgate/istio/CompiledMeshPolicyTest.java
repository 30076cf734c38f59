package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.istio.MeshEmulator.Decision;
import io.meshgate.istio.MeshEmulator.Destination;
import io.meshgate.istio.MeshEmulator.Request;
import io.meshgate.istio.MeshManifests.Routing;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compiled resources of the three-plan canary catalog, evaluated the way Istio documents
 * RequestAuthentication, AuthorizationPolicy (DENY before ALLOW, ALLOW needs a matching rule) and
 * VirtualService routing: each plan reaches its version only when its token's {@code plan} claim
 * and its {@code x-client-plan} header agree, a request without a gateway token or with another
 * issuer's or another API's token is refused, and a plan cannot call the operations it lacks scopes
 * for. Keys are generated here; the clock is fixed.
 */
class CompiledMeshPolicyTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final String HOST = "catalogue.shop.svc.cluster.local";
  private static final String AUDIENCE = "https://api.example.com/catalogue";

  private static EllipticCurveJsonWebKey gatewayKey;
  private static EllipticCurveJsonWebKey strangerKey;
  private static MeshEmulator mesh;

  @BeforeAll
  static void compile() throws Exception {
    gatewayKey = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    gatewayKey.setKeyId("gw-1");
    strangerKey = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    strangerKey.setKeyId("gw-1");
    String jwks = new JsonWebKeySet(gatewayKey).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    MeshManifests.Settings settings =
        new MeshManifests.Settings(
            MeshManifestsTest.ISSUER,
            RequestAuthentications.KeySource.INLINE,
            null,
            jwks,
            "x-client-plan",
            "plan",
            7,
            Routing.ISTIO);
    List<Map<String, Object>> docs =
        MeshManifests.compile(List.of(MeshManifestsTest.canary()), settings);
    // Through YAML and back, as kubectl would apply it.
    mesh =
        new MeshEmulator(
            ManifestText.read(ManifestText.yaml(docs)), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static String token(
      EllipticCurveJsonWebKey key, String issuer, String audience, String plan) throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setSubject("shop-client");
    claims.setAudience(audience);
    claims.setIssuedAt(NumericDate.fromSeconds(NOW.getEpochSecond() - 10));
    claims.setNotBefore(NumericDate.fromSeconds(NOW.getEpochSecond() - 10));
    claims.setExpirationTime(NumericDate.fromSeconds(NOW.getEpochSecond() + 290));
    claims.setClaim("plan", plan);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    return jws.getCompactSerialization();
  }

  private static String gatewayToken(String plan) throws Exception {
    return token(gatewayKey, MeshManifestsTest.ISSUER, AUDIENCE, plan);
  }

  private static Request call(String method, String path) {
    return Request.of(method, path).toHost(HOST, 8080);
  }

  private static Destination to(String subset, int weight) {
    return new Destination(HOST, Optional.of(subset), Optional.of(8080), weight);
  }

  @Test
  void eachPlanReachesItsVersionWhenClaimAndHeaderAgree() throws Exception {
    assertThat(
            mesh.handle(
                    call("GET", "/api/items")
                        .withBearer(gatewayToken("basic"))
                        .withHeader("x-client-plan", "basic"))
                .destinations())
        .containsExactly(to("v1", 100));
    assertThat(
            mesh.handle(
                    call("GET", "/api/items")
                        .withBearer(gatewayToken("plus"))
                        .withHeader("x-client-plan", "plus"))
                .destinations())
        .containsExactly(to("v2", 100));
    Decision preview =
        mesh.handle(
            call("GET", "/api/items")
                .withBearer(gatewayToken("preview"))
                .withHeader("x-client-plan", "preview"));
    assertThat(preview.status()).isEqualTo(200);
    assertThat(preview.requestPrincipal()).contains(MeshManifestsTest.ISSUER + "/shop-client");
    assertThat(preview.destinations()).containsExactly(to("v2", 90), to("v1", 10));
  }

  @ParameterizedTest(name = "token for {0}, header {1}")
  @CsvSource({"basic, plus", "basic, preview", "plus, basic", "preview, plus"})
  void aHeaderThatDisagreesWithTheTokenIsRefusedByTheMesh(String claim, String header)
      throws Exception {
    Decision d =
        mesh.handle(
            call("GET", "/api/items")
                .withBearer(gatewayToken(claim))
                .withHeader("x-client-plan", header));
    assertThat(d.status()).as(d.reason()).isEqualTo(403);
  }

  @Test
  void aGatewayTokenWithoutThePlanHeaderIsRefused() throws Exception {
    assertThat(mesh.handle(call("GET", "/api/items").withBearer(gatewayToken("plus"))).status())
        .isEqualTo(403);
  }

  @Test
  void aRequestWithoutAGatewayTokenIsRefusedEvenWithAPlanHeader() {
    Decision d = mesh.handle(call("GET", "/api/items").withHeader("x-client-plan", "plus"));
    assertThat(d.status()).as(d.reason()).isEqualTo(403);
    assertThat(d.requestPrincipal()).isEmpty();
  }

  @Test
  void anotherIssuersTokenIsRefused() throws Exception {
    Decision d =
        mesh.handle(
            call("GET", "/api/items")
                .withBearer(token(gatewayKey, "https://other.example", AUDIENCE, "plus"))
                .withHeader("x-client-plan", "plus"));
    assertThat(d.status()).as(d.reason()).isEqualTo(401);
  }

  @Test
  void aTokenSignedWithAKeyNotInTheJwksIsRefused() throws Exception {
    Decision d =
        mesh.handle(
            call("GET", "/api/items")
                .withBearer(token(strangerKey, MeshManifestsTest.ISSUER, AUDIENCE, "plus"))
                .withHeader("x-client-plan", "plus"));
    assertThat(d.status()).as(d.reason()).isEqualTo(401);
  }

  @Test
  void aTokenMintedForAnotherApiIsRefused() throws Exception {
    Decision d =
        mesh.handle(
            call("GET", "/api/items")
                .withBearer(token(gatewayKey, MeshManifestsTest.ISSUER, "echo", "plus"))
                .withHeader("x-client-plan", "plus"));
    assertThat(d.status()).as(d.reason()).isEqualTo(401);
  }

  @ParameterizedTest(name = "{0} {1} as {2} -> {3}")
  @CsvSource({
    "POST, /api/items, basic, 403",
    "PUT, /api/items, basic, 403",
    "DELETE, /api/items/42, basic, 403",
    "GET, /api/items/42, basic, 200",
    "POST, /api/items, plus, 200",
    "DELETE, /api/items/42, preview, 200"
  })
  void aPlanCannotCallTheOperationsItLacksScopesFor(
      String method, String path, String plan, int status) throws Exception {
    Decision d =
        mesh.handle(
            call(method, path).withBearer(gatewayToken(plan)).withHeader("x-client-plan", plan));
    assertThat(d.status()).as(d.reason()).isEqualTo(status);
  }
}
