package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin API answers only on the admin port, and only to valid admin tokens of the right group.
 */
class AdminSecurityIT extends OnManagedGateway {
  private final Gateways gw = Gateways.get();

  static Stream<Arguments> endpoints() {
    return Stream.of(
        Arguments.of("GET", "/admin/v1/apis"),
        Arguments.of("GET", "/admin/v1/products"),
        Arguments.of("GET", "/admin/v1/apps"),
        Arguments.of("GET", "/admin/v1/subscriptions"),
        Arguments.of("GET", "/admin/v1/audit"),
        Arguments.of("GET", "/admin/v1/analytics"),
        Arguments.of("GET", "/admin/v1/keys"),
        Arguments.of("GET", "/admin/v1/policies"),
        Arguments.of("POST", "/admin/v1/apis"),
        Arguments.of("POST", "/admin/v1/products"),
        Arguments.of("POST", "/admin/v1/apps"),
        Arguments.of("POST", "/admin/v1/subscriptions"),
        Arguments.of("PUT", "/admin/v1/apis/999999"),
        Arguments.of("DELETE", "/admin/v1/apps/999999"),
        Arguments.of("POST", "/admin/v1/subscriptions/999999/approve"),
        Arguments.of("POST", "/admin/v1/apps/999999/credentials"),
        Arguments.of("POST", "/admin/v1/products/999999/plans"),
        Arguments.of("POST", "/admin/v1/apis/999999/publish"),
        Arguments.of("POST", "/admin/v1/keys/no-such-kid/publish"));
  }

  @ParameterizedTest
  @MethodSource("endpoints")
  void everyEndpointRefusesMissingForgedAndNoneTokensAndViewerWrites(String method, String path)
      throws Exception {
    assertStatus(call(method, path, null), 401, "ADMIN_TOKEN_MISSING");
    assertStatus(call(method, path, forgedToken()), 401, "ADMIN_TOKEN_INVALID");
    assertStatus(call(method, path, unsignedToken()), 401, "ADMIN_TOKEN_INVALID");
    assertStatus(call(method, path, tamperedToken()), 401, "ADMIN_TOKEN_INVALID");

    HttpResponse<String> viewer = call(method, path, AdminClient.viewerToken());
    HttpResponse<String> admin = call(method, path, AdminClient.token());
    if (method.equals("GET")) {
      assertThat(viewer.statusCode()).as(viewer.body()).isEqualTo(200);
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
    } else {
      assertStatus(viewer, 403, "ADMIN_FORBIDDEN");
      // Authorized: whatever the endpoint then says about the (empty) body, it is not an auth
      // refusal.
      assertThat(admin.statusCode()).as(admin.body()).isNotIn(401, 403).isLessThan(500);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/admin/v1/apps",
        "/admin/oauth2/token",
        "/admin",
        "/metrics",
        "/metrics/",
        "/metrics?scope=application",
        "/openapi",
        "/openapi?format=JSON",
        "/openapi/ui/",
        "/openapi/ui/swagger-ui-bundle.js"
      })
  void adminPortPathsOnTheDataPortAre404(String path) {
    String response =
        Http.raw(
            gw.server().port(),
            "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + AdminClient.token(),
            null);
    assertThat(response)
        .startsWith("HTTP/1.1 404")
        .contains("application/problem+json")
        .contains("ROUTE_NOT_FOUND");
  }

  /** Spellings with more than one reading are refused on both ports, whatever they address. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/admin;/v1/apps",
        "/admin;x=1/v1/keys",
        "/admin/v1;/apps",
        "/admin/v1/apps;",
        "/admin/v1/apps/1;x",
        "/admin%3B/v1/apps",
        "/admin%3b/v1/keys",
        "/%61dmin;/v1/apps",
        "/%61dmin/v1/apps",
        "/admin/v1/%61%70%70%73",
        "/admin/v1/apps;jsessionid=1",
        "/admin;jsessionid=1/v1/apps",
        "/echo/..%2Fadmin/v1/apps",
        "/echo/%2e%2e/admin/v1/apps",
        "/echo/%2E%2E/%61dmin/v1/apps",
        "//admin/v1/apps",
        "/admin//v1/apps",
        "/./admin/v1/apps",
        "/admin/./v1/apps",
        "/x/../admin/v1/apps",
        "/admin\\v1\\apps",
        "/admin%5Cv1/apps",
        "/%C0%AFadmin/v1/apps"
      })
  void ambiguousSpellingsAre400OnBothPortsAndNeverReachTheAdminApi(String path) {
    for (String method : List.of("GET", "POST")) {
      for (int port : List.of(gw.server().port(), gw.server().adminPort())) {
        String response =
            Http.raw(
                port,
                method
                    + " "
                    + path
                    + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 20",
                "{\"name\":\"mallory-1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(response)
            .as(method + " " + path + " on port " + port)
            .startsWith("HTTP/1.1 400")
            .contains("application/problem+json")
            .contains("\"INVALID_PATH\"")
            .doesNotContain("clientSecret")
            .doesNotContain("\"items\"");
      }
    }
  }

  /**
   * Escapes Liberty's web container cannot decode at all are refused before any application sees
   * them: a bare 400 (its own body, not problem+json), on both ports.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {"/admin%00/v1/apps", "/admin%0a/v1/apps", "/admin/v1/apps%", "/admin/v1/%zzapps"})
  void undecodableEscapesAre400FromLibertyOnBothPorts(String path) {
    for (int port : List.of(gw.server().port(), gw.server().adminPort())) {
      String response = Http.raw(port, "GET " + path + " HTTP/1.1\r\nHost: x", null);
      assertThat(response)
          .as(path + " on port " + port)
          .startsWith("HTTP/1.1 400")
          .contains("CWWWC0005I")
          .doesNotContain("\"items\"");
    }
  }

  /** The reproducers of issue 14: no token, no admin data, whatever the spelling. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/admin;/v1/apps",
        "/admin;x=1/v1/keys",
        "/admin%3B/v1/apps",
        "/%61dmin/v1/apps",
        "/%61%64%6d%69%6e/%76%31/%61%70%70%73",
        "/admin/v1/apps/",
        "/admin/v1/keys",
        "/admin/v1/keys/"
      })
  void noSpellingReachesAdminDataWithoutAToken(String path) {
    for (String method : List.of("GET", "POST")) {
      String response =
          Http.raw(
              gw.server().adminPort(),
              method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 20",
              "{\"name\":\"mallory-2\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(response)
          .as(method + " " + path)
          .matches("(?s)HTTP/1.1 (400|401|404|405) .*")
          .contains("application/problem+json")
          .doesNotContain("clientSecret")
          .doesNotContain("\"items\"")
          .doesNotContain("\"kid\"");
    }
    assertThat(AdminClient.send("GET", "/admin/v1/apps?name=mallory-1", null).body())
        .contains("\"total\":0");
    assertThat(AdminClient.send("GET", "/admin/v1/apps?name=mallory-2", null).body())
        .contains("\"total\":0");
  }

  @Test
  void dataPathsOnTheAdminPortAre404() {
    HttpResponse<String> r =
        Http.get(gw.server().adminUri("/echo/x"), "X-API-Key", "free-demo-key");
    assertStatus(r, 404, "ROUTE_NOT_FOUND");
  }

  @Test
  void openApiDocumentsTheAdminApiAndTheTokenEndpointAndItsUiIsServedOnTheAdminPort() {
    HttpResponse<String> doc = Http.get(gw.server().adminUri("/openapi"));
    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(doc.headers().firstValue("Content-Type")).hasValue("application/yaml;charset=UTF-8");
    assertThat(doc.body())
        .contains(
            "/admin/v1/apis:",
            "/admin/v1/subscriptions/{id}/approve:",
            "/oauth2/token:",
            "/admin/v1/keys/rotation:")
        .doesNotContain("{path", "/metrics", "/echo");
    HttpResponse<String> json = Http.get(gw.server().adminUri("/openapi?format=JSON"));
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(Json.createReader(new StringReader(json.body())).readObject().getJsonObject("paths"))
        .containsKey("/admin/v1/apis");
    assertThat(
            Http.get(gw.server().adminUri("/openapi"), "Accept", "application/json")
                .headers()
                .firstValue("Content-Type"))
        .hasValue("application/json;charset=UTF-8");
    assertStatus(Http.get(gw.server().adminUri("/openapi?format=xml")), 400, "VALIDATION_FAILED");

    HttpResponse<String> ui = Http.get(gw.server().adminUri("/openapi/ui/"));
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.body())
        .contains("/openapi/ui/swagger-ui-bundle.js", "/openapi/ui/initializer.js");
    for (String file : new String[] {"swagger-ui-bundle.js", "swagger-ui.css", "initializer.js"}) {
      assertThat(Http.get(gw.server().adminUri("/openapi/ui/" + file)).statusCode())
          .as(file)
          .isEqualTo(200);
    }
    // Only the UI's own files are served: nothing else of the webjar or of the WAR's classpath.
    for (String other : new String[] {"swagger-ui.js.map", "pom.properties", "web.xml"}) {
      assertThat(Http.get(gw.server().adminUri("/openapi/ui/" + other)).statusCode())
          .as(other)
          .isEqualTo(404);
    }
  }

  @Test
  void metricsAreServedInPrometheusFormatOnTheAdminPort() {
    HttpResponse<String> text = Http.get(gw.server().adminUri("/metrics"));
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain").contains("version=0.0.4"));
    assertThat(text.body())
        .contains(
            "# TYPE meshgate_token_signatures_total counter",
            "# TYPE meshgate_limiter_fallback_total counter",
            "# TYPE meshgate_limiter_unavailable_total counter",
            "# TYPE meshgate_limiter_store_errors_total counter",
            "jvm_memory_used_bytes{area=\"heap\"}",
            "process_cpu_seconds_total");
    HttpResponse<String> open =
        Http.get(
            gw.server().adminUri("/metrics"),
            "Accept",
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(open.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/openmetrics-text"));
    assertThat(open.body()).endsWith("# EOF\n");
  }

  @Test
  void tokenEndpointFollowsRfc6749() {
    HttpResponse<String> wrong =
        tokenRequest(
            "Basic " + basic(Gateways.ADMIN_CLIENT_ID, "wrong"), "grant_type=client_credentials");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("\"error\":\"invalid_client\"");
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).isPresent();

    HttpResponse<String> grant =
        tokenRequest(
            "Basic " + basic(Gateways.ADMIN_CLIENT_ID, Gateways.ADMIN_CLIENT_SECRET),
            "grant_type=password");
    assertThat(grant.statusCode()).isEqualTo(400);
    assertThat(grant.body()).contains("\"error\":\"unsupported_grant_type\"");

    HttpResponse<String> ok =
        tokenRequest(
            null,
            "grant_type=client_credentials&client_id="
                + Gateways.ADMIN_CLIENT_ID
                + "&client_secret="
                + Gateways.ADMIN_CLIENT_SECRET);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"token_type\":\"Bearer\"");
    assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  private HttpResponse<String> tokenRequest(String authorization, String form) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gw.server().adminUri("/admin/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return Http.send(b);
  }

  private HttpResponse<String> call(String method, String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gw.server().adminUri(path))
            .header("Content-Type", "application/json")
            .method(
                method,
                method.equals("GET") || method.equals("DELETE")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return Http.send(b);
  }

  private static void assertStatus(HttpResponse<String> r, int status, String errorKey) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(r.body()).contains("\"errorKey\":\"" + errorKey + "\"");
  }

  /** Right claims, signed by a key the gateway never published. */
  private static String forgedToken() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("attacker").build(), adminClaims());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  /** {@code alg: none} with the right claims. */
  private static String unsignedToken() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(adminClaims().toString().getBytes(StandardCharsets.UTF_8))
        + ".";
  }

  /** A real viewer token whose payload was changed to claim the admin group. */
  private static String tamperedToken() {
    String[] parts = AdminClient.viewerToken().split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("meshgate-viewer", "meshgate-admin");
    return parts[0]
        + "."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + parts[2];
  }

  private static JWTClaimsSet adminClaims() {
    return new JWTClaimsSet.Builder()
        .issuer(Gateways.ISSUER)
        .audience("meshgate-admin")
        .subject("mallory")
        .claim("groups", List.of("meshgate-admin"))
        .expirationTime(new Date(System.currentTimeMillis() + 600_000))
        .build();
  }

  private static String basic(String id, String secret) {
    return Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
