package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.meshgate.istio.MeshManifests.Routing;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The self-test against two destinations over real HTTP: a permissive one that answers every
 * request 200 from version v1, and a strict one whose decisions are those of Istio's documented
 * semantics applied to the compiled resources ({@link StrictDestination}) of the canary catalog
 * (per-API audience, sealed plan header, per-plan versions). Against the permissive one every
 * forged case fails; against the strict one every case passes.
 */
class ConformanceTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String AUDIENCE = "https://api.example.com/catalogue";

  private static EllipticCurveJsonWebKey gatewayKey;
  private static HttpServer server;
  private static StrictDestination strict;
  private static HttpClient client;

  @BeforeAll
  static void destinations() throws Exception {
    gatewayKey = EcJwkGenerator.generateJwk(org.jose4j.keys.EllipticCurves.P256);
    gatewayKey.setKeyId("gw-1");
    String jwks = new JsonWebKeySet(gatewayKey).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    strict =
        new StrictDestination(
            ManifestText.read(
                ManifestText.yaml(
                    MeshManifests.compile(
                        List.of(MeshManifestsTest.canary()),
                        new MeshManifests.Settings(
                            MeshManifestsTest.ISSUER,
                            RequestAuthentications.KeySource.INLINE,
                            null,
                            jwks,
                            "x-client-plan",
                            "plan",
                            1,
                            Routing.ISTIO)))),
            "catalogue.shop.svc.cluster.local",
            8080,
            CLOCK);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/permissive", exchange -> answer(exchange.getResponseHeaders(), exchange, 200, "v1"));
    server.start();
    client = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    strict.close();
  }

  private static void answer(
      com.sun.net.httpserver.Headers out,
      com.sun.net.httpserver.HttpExchange exchange,
      int status,
      String version)
      throws IOException {
    byte[] body =
        ("{\"version\":" + (version == null ? "null" : "\"" + version + "\"") + "}")
            .getBytes(StandardCharsets.UTF_8);
    if (version != null) {
      out.add("x-version", version);
    }
    out.add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(body);
    }
  }

  private static Function<JwtClaims, String> gatewaySigner() {
    return claims -> {
      try {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(gatewayKey.getPrivateKey());
        jws.setKeyIdHeaderValue(gatewayKey.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        return jws.getCompactSerialization();
      } catch (JoseException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static Conformance.Target target(String path, String versionHeader, String field) {
    return new Conformance.Target(
        path.equals("/strict")
            ? strict.uri("/api/items")
            : URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
        MeshManifestsTest.ISSUER,
        AUDIENCE,
        "plan",
        "x-client-plan",
        Map.of("basic", Set.of("v1"), "plus", Set.of("v2"), "preview", Set.of("v2", "v1")),
        versionHeader,
        field);
  }

  private static final List<String> FORGED =
      List.of(
          "no token",
          "expired token",
          "token not yet valid",
          "wrong issuer",
          "key not in the JWKS",
          "wrong audience",
          "alg none",
          "header disagrees with the token's plan");

  @Test
  void aStrictDestinationPassesEveryCase() {
    Conformance.Result result =
        Conformance.run(target("/strict", "x-version", null), gatewaySigner(), client, CLOCK);
    assertThat(result.cases())
        .extracting(Conformance.Case::name)
        .containsExactlyElementsOf(
            concat(
                FORGED,
                List.of(
                    "plan basic reaches its version",
                    "plan plus reaches its version",
                    "plan preview reaches its version")));
    assertThat(result.cases())
        .allSatisfy(c -> assertThat(c.passed()).as(c.name() + ": " + c.detail()).isTrue());
    assertThat(result.cases().subList(0, FORGED.size()))
        .allSatisfy(c -> assertThat(c.status()).isIn(401, 403));
  }

  @Test
  void aPermissiveDestinationFailsEveryForgedCaseAndAPlanThatMissesItsVersion() throws Exception {
    Conformance.Result result =
        Conformance.run(target("/permissive", null, "version"), gatewaySigner(), client, CLOCK);
    Map<String, Boolean> passed = new HashMap<>();
    result.cases().forEach(c -> passed.put(c.name(), c.passed()));
    for (String forged : FORGED) {
      assertThat(passed.get(forged)).as(forged).isFalse();
    }
    assertThat(passed.get("plan basic reaches its version")).isTrue();
    assertThat(passed.get("plan plus reaches its version")).isFalse();
    assertThat(passed.get("plan preview reaches its version")).isTrue();
    assertThat(result.failures()).isEqualTo(FORGED.size() + 1);

    Document xml =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new InputSource(new StringReader(Conformance.junitXml(result))));
    Element suite = xml.getDocumentElement();
    assertThat(suite.getTagName()).isEqualTo("testsuite");
    assertThat(suite.getAttribute("tests")).isEqualTo("11");
    assertThat(suite.getAttribute("failures")).isEqualTo("9");
    NodeList cases = suite.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(11);
    for (int i = 0; i < cases.getLength(); i++) {
      Element c = (Element) cases.item(i);
      assertThat(c.getAttribute("name")).isEqualTo(result.cases().get(i).name());
      assertThat(c.getElementsByTagName("failure").getLength())
          .as(c.getAttribute("name"))
          .isEqualTo(result.cases().get(i).passed() ? 0 : 1);
    }
    assertThat(Conformance.json(result).getBoolean("passed")).isFalse();
  }

  @Test
  void anUnreachableDestinationFailsEveryCase() {
    Conformance.Target nowhere =
        new Conformance.Target(
            URI.create("http://127.0.0.1:1/none"),
            MeshManifestsTest.ISSUER,
            AUDIENCE,
            "plan",
            "x-client-plan",
            Map.of("basic", Set.of("v1")),
            "x-version",
            null);
    Conformance.Result result = Conformance.run(nowhere, gatewaySigner(), client, CLOCK);
    assertThat(result.cases()).allSatisfy(c -> assertThat(c.passed()).isFalse());
    assertThat(result.cases()).allSatisfy(c -> assertThat(c.status()).isZero());
  }

  @Test
  void aValueNamesAVersionWhenItIsThatVersionOrHasItAsAPart() {
    assertThat(Conformance.names("v2", "v2")).isTrue();
    assertThat(Conformance.names("reviews-v2-5d4f8b9c-x7k2q", "v2")).isTrue();
    assertThat(Conformance.names("reviews-v2-5d4f8b9c-x7k2q", "v1")).isFalse();
    assertThat(Conformance.names("v20", "v2")).isFalse();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
