package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.token.BadTokens;
import io.meshgate.token.JwksServer;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OAuthTokens;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Admin tokens are verified by Liberty's MicroProfile JWT ({@code mpJwt}) and the roles of the
 * matched method's {@code @RolesAllowed} decide; the errors stay meshgate's problem+json; the
 * bearer tokens clients send on the data port never meet mpJwt; an external admin issuer works when
 * it is configured.
 */
class AdminJwtIT extends OnManagedGateway {
  private static final String ADMIN_CHALLENGE = "Bearer realm=\"meshgate-admin\"";
  private final Gateways gw = Gateways.get();

  @Test
  void theGatewaysOwnAdminTokenIsVerifiedByMicroProfileJwt() {
    HttpResponse<String> r = admin(gw.server(), "GET", "/admin/v1/apis", AdminClient.token());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().allValues("WWW-Authenticate")).isEmpty();
    HttpResponse<String> write =
        admin(gw.server(), "POST", "/admin/v1/keys/no-such-kid/publish", AdminClient.token());
    assertProblem(write, 404, "KEY_NOT_FOUND");
  }

  @Test
  void aViewerReadsButIsRefusedEveryWrite() {
    String viewer = AdminClient.viewerToken();
    assertThat(admin(gw.server(), "GET", "/admin/v1/keys", viewer).statusCode()).isEqualTo(200);
    assertProblem(admin(gw.server(), "POST", "/admin/v1/apps", viewer), 403, "ADMIN_FORBIDDEN");
    assertProblem(admin(gw.server(), "POST", "/admin/v1/keys", viewer), 403, "ADMIN_FORBIDDEN");
    assertProblem(
        admin(gw.server(), "DELETE", "/admin/v1/apis/999999", viewer), 403, "ADMIN_FORBIDDEN");
  }

  @Test
  void expiredForgedWrongIssuerAndWrongAudienceTokensAre401ProblemJson() {
    BadTokens.Signer gateway = gw.signingKey(kidOf(AdminClient.token()));
    BadTokens.Signer attacker = BadTokens.generate(gateway.kid(), gateway.alg());
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("expired", token(gateway, c -> c.put("exp", Instant.now().minusSeconds(120))));
    bad.put("forged (same kid, another key)", token(attacker, c -> {}));
    bad.put("wrong issuer", token(gateway, c -> c.put("iss", "https://evil.it.example")));
    bad.put("wrong audience", token(gateway, c -> c.put("aud", "meshgate-viewer")));
    bad.put("not yet valid", token(gateway, c -> c.put("nbf", Instant.now().plusSeconds(600))));
    // The control: the same construction with nothing wrong is accepted.
    HttpResponse<String> control =
        admin(gw.server(), "GET", "/admin/v1/apis", token(gateway, c -> {}));
    assertThat(control.statusCode()).as(control.body()).isEqualTo(200);
    bad.forEach(
        (defect, token) -> {
          for (String[] call :
              new String[][] {{"GET", "/admin/v1/apis"}, {"POST", "/admin/v1/apps"}}) {
            HttpResponse<String> r = admin(gw.server(), call[0], call[1], token);
            assertProblem(r, 401, "ADMIN_TOKEN_INVALID");
            assertThat(r.headers().allValues("WWW-Authenticate"))
                .as(defect)
                .containsExactly(ADMIN_CHALLENGE + ", error=\"invalid_token\"");
          }
        });
    assertThat(AdminClient.send("GET", "/admin/v1/apps?name=mallory-jwt", null).body())
        .contains("\"total\":0");
  }

  @Test
  void aClientsDataPlaneTokenIsRefusedOnTheAdminApi() {
    // Signed by the same gateway key as admin tokens, but for the data plane (aud = the issuer).
    String clientToken = OAuthTokens.clientCredentials("oauth-client", "oauth-secret", null);
    HttpResponse<String> r = admin(gw.server(), "GET", "/admin/v1/apps", clientToken);
    assertProblem(r, 401, "ADMIN_TOKEN_INVALID");
    assertThat(r.body()).doesNotContain("\"items\"");
  }

  /**
   * Liberty never looks at a bearer token on the data port: a client's token is answered by the
   * API's own policy chain, and no answer carries Liberty's {@code realm="MP-JWT"} challenge, even
   * when the Host header names the admin port.
   */
  @Test
  void bearerTokensOnTheDataPortNeverMeetMicroProfileJwt() {
    String clientToken = OAuthTokens.clientCredentials("oauth-client", "oauth-secret", null);
    for (String host : List.of("x", "x:" + gw.server().adminPort())) {
      String ok = dataCall(host, clientToken);
      assertThat(ok).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("MP-JWT");

      for (String bad : List.of(AdminClient.token(), "garbage.x.y")) {
        assertThat(dataCall(host, bad))
            .startsWith("HTTP/1.1 401")
            .contains("CLIENT_AUTH_INVALID", "realm=\"meshgate\"")
            .doesNotContainIgnoringCase("MP-JWT");
      }
    }
  }

  @Test
  void anExternalAdminIssuerIsAcceptedWhenConfiguredWithItsRolesClaim() {
    String issuer =
        "https://admin-idp-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
    BadTokens.Signer idpKey = BadTokens.generate("admin-idp-1", "RS256");
    BadTokens.Signer ecKey = BadTokens.generate("admin-idp-ec", "ES256");
    try (JwksServer idp = new JwksServer();
        LibertyServer replica =
            gw.newReplica(
                "admin-idp",
                Map.of(
                    "MESHGATE_ADMIN_ISSUER",
                    issuer,
                    "MESHGATE_ADMIN_JWKS_URL",
                    idp.jwksUrl().toString(),
                    "MESHGATE_ADMIN_ALGORITHM",
                    "RS256",
                    "MESHGATE_ADMIN_GROUPS_CLAIM",
                    "roles"))) {
      idp.serve(BadTokens.jwks(idpKey, ecKey));
      replica.start();
      String adminToken = idpToken(idpKey, issuer, "alice", "meshgate-admin");
      String viewerToken = idpToken(idpKey, issuer, "bob", "meshgate-viewer");

      HttpResponse<String> read = admin(replica, "GET", "/admin/v1/apis", adminToken);
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(admin(replica, "GET", "/admin/v1/apis", viewerToken).statusCode()).isEqualTo(200);
      assertProblem(admin(replica, "POST", "/admin/v1/keys", viewerToken), 403, "ADMIN_FORBIDDEN");
      // The IdP's roles are in "roles": a token carrying them under "groups" has no role here.
      Map<String, Object> claims = adminClaims(issuer, "carol");
      claims.put("groups", List.of("meshgate-admin"));
      assertProblem(
          admin(replica, "GET", "/admin/v1/apis", BadTokens.sign(header(idpKey), claims, idpKey)),
          403,
          "ADMIN_FORBIDDEN");
      // The gateway's own admin tokens are not accepted instead of the IdP's.
      assertProblem(
          admin(replica, "GET", "/admin/v1/apis", AdminClient.token()), 401, "ADMIN_TOKEN_INVALID");
      // meshgate's own check allows ES256 (MESHGATE_ADMIN_ALGORITHMS), mpJwt only RS256
      // (MESHGATE_ADMIN_ALGORITHM): mpJwt's refusal is final, and still meshgate's problem+json.
      HttpResponse<String> es256 =
          admin(
              replica, "GET", "/admin/v1/apis", idpToken(ecKey, issuer, "dave", "meshgate-admin"));
      assertProblem(es256, 401, "ADMIN_TOKEN_INVALID");
      assertThat(es256.body()).contains("refused by MicroProfile JWT");
      // Signed by another key under the IdP's kid.
      BadTokens.Signer forger = BadTokens.generate("admin-idp-1", "RS256");
      assertProblem(
          admin(
              replica,
              "GET",
              "/admin/v1/apis",
              idpToken(forger, issuer, "mallory", "meshgate-admin")),
          401,
          "ADMIN_TOKEN_INVALID");
    }
  }

  private String dataCall(String host, String token) {
    return Http.raw(
        gw.server().port(),
        "GET /bearer-only/"
            + UUID.randomUUID()
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nAuthorization: Bearer "
            + token,
        null);
  }

  private static String token(BadTokens.Signer signer, Consumer<Map<String, Object>> change) {
    Map<String, Object> claims =
        BadTokens.claims(
            Gateways.ISSUER, "meshgate-admin", Gateways.ADMIN_CLIENT_ID, Instant.now());
    claims.put("groups", List.of("meshgate-admin"));
    change.accept(claims);
    claims.replaceAll((k, v) -> v instanceof Instant i ? i.getEpochSecond() : v);
    return BadTokens.sign(BadTokens.headerOf(signer, "at+jwt"), claims, signer);
  }

  private static String idpToken(BadTokens.Signer key, String issuer, String subject, String role) {
    Map<String, Object> claims = adminClaims(issuer, subject);
    claims.put("roles", List.of(role));
    return BadTokens.sign(header(key), claims, key);
  }

  private static Map<String, Object> adminClaims(String issuer, String subject) {
    return BadTokens.claims(issuer, "meshgate-admin", subject, Instant.now());
  }

  private static Map<String, Object> header(BadTokens.Signer key) {
    return BadTokens.headerOf(key, "JWT");
  }

  private static HttpResponse<String> admin(
      LibertyServer server, String method, String path, String token) {
    return Http.send(
        HttpRequest.newBuilder(server.adminUri(path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                method.equals("POST")
                    ? HttpRequest.BodyPublishers.ofString("{\"name\":\"mallory-jwt\"}")
                    : HttpRequest.BodyPublishers.noBody()));
  }

  private static void assertProblem(HttpResponse<String> r, int status, String errorKey) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(r.body()).contains("\"errorKey\":\"" + errorKey + "\"");
    if (status == 401) {
      assertThat(r.headers().allValues("WWW-Authenticate"))
          .singleElement()
          .satisfies(v -> assertThat(v).startsWith(ADMIN_CHALLENGE));
    }
  }

  private static String kidOf(String token) {
    String header =
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    return Json.createReader(new StringReader(header)).readObject().getString("kid");
  }
}
