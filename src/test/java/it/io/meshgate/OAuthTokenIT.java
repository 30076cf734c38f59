package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;

/**
 * OAuth 2.0 client credentials: {@code POST /oauth2/token} issues tokens to apps; the gateway
 * accepts them where an API allows {@code oauth2} and never passes them on to the mesh. The seed
 * ({@code seed.json} of {@link ManagedGateway}) has {@code oauth-client} on {@code shop/gold}
 * (scopes {@code orders:read orders:write}), {@code /reports} allowing {@code oauth2} and API keys,
 * {@code /bearer-only} allowing only {@code oauth2} and no other policy, and {@code /orders} with
 * the default methods.
 */
class OAuthTokenIT extends OnManagedGateway {

  @ArquillianResource private URL base;

  private static final String CC = "grant_type=client_credentials";
  private static final String FORM = "application/x-www-form-urlencoded";

  @Test
  void basicClientGetsATokenTheGatewayAcceptsOnAnOauth2Api() {
    HttpResponse<String> r = token(basic("oauth-client", "oauth-secret"), CC);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.headers().firstValue("Pragma")).hasValue("no-cache");
    JsonObject body = json(r.body());
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.getInt("expires_in")).isEqualTo(3600);
    assertThat(body.getString("scope")).isEqualTo("orders:read orders:write");
    String accessToken = body.getString("access_token");
    JsonObject header = part(accessToken, 0);
    assertThat(header.getString("typ")).isEqualTo("at+jwt");
    assertThat(header.getString("alg")).isIn("ES256", "RS256");
    assertThat(header.getString("kid")).isNotBlank();
    JsonObject claims = part(accessToken, 1);
    assertThat(claims.getString("iss")).isEqualTo(Gateways.ISSUER);
    assertThat(claims.getString("sub")).isEqualTo("oauth-client");
    assertThat(claims.getString("client_id")).isEqualTo("oauth-client");
    assertThat(claims.getString("aud")).isEqualTo(Gateways.ISSUER);
    assertThat(claims.getString("scope")).isEqualTo("orders:read orders:write");
    assertThat(claims.getString("jti")).isNotBlank();
    assertThat(claims.getJsonNumber("exp").longValue() - claims.getJsonNumber("iat").longValue())
        .isEqualTo(3600);

    String marker = UUID.randomUUID().toString();
    HttpResponse<String> call =
        Http.get(uri("/reports/" + marker), "Authorization", "Bearer " + accessToken);
    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    StubUpstream.Received received = ManagedGateway.upstream().only(marker);
    assertThat(received.header("x-client-id")).containsExactly("oauth-client");
    assertThat(received.header("x-client-plan")).containsExactly("gold");
    // The mesh gets the gateway's own mesh token for (app, API, plan), not the OAuth token.
    assertThat(received.header("authorization")).hasSize(1);
    String meshToken = received.header("authorization").get(0);
    assertThat(meshToken).startsWith("Bearer ").doesNotContain(accessToken);
    JsonObject mesh = part(meshToken.substring("Bearer ".length()), 1);
    assertThat(mesh.getString("plan")).isEqualTo("gold");
    assertThat(part(meshToken.substring("Bearer ".length()), 0).getString("typ"))
        .isNotEqualTo("at+jwt");
  }

  @Test
  void clientSecretPostWorksAndAScopeSubsetIsGranted() {
    HttpResponse<String> r =
        token(null, CC + "&client_id=oauth-client&client_secret=oauth-secret&scope=orders%3Aread");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String accessToken = json(r.body()).getString("access_token");
    assertThat(json(r.body()).getString("scope")).isEqualTo("orders:read");
    assertThat(part(accessToken, 1).getString("scope")).isEqualTo("orders:read");
    String marker = UUID.randomUUID().toString();
    assertThat(
            Http.get(uri("/reports/" + marker), "Authorization", "Bearer " + accessToken)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void formContentTypeWithACharsetIsAccepted() {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(uri("/oauth2/token"))
                .header("Content-Type", FORM + "; charset=UTF-8")
                .header("Authorization", basic("oauth-client", "oauth-secret"))
                .POST(HttpRequest.BodyPublishers.ofString(CC)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void wrongSecretIs401InvalidClientWithABasicChallenge() {
    HttpResponse<String> r = token(basic("oauth-client", "nope"), CC);
    assertOAuthError(r, 401, "invalid_client");
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"meshgate\"");
    assertOAuthError(
        token(null, CC + "&client_id=oauth-client&client_secret=nope"), 401, "invalid_client");
    assertOAuthError(token(basic("no-such-client", "oauth-secret"), CC), 401, "invalid_client");
  }

  @Test
  void noClientAuthenticationIs401InvalidClient() {
    HttpResponse<String> r = token(null, CC);
    assertOAuthError(r, 401, "invalid_client");
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"meshgate\"");
  }

  @Test
  void unknownGrantTypeIs400UnsupportedGrantType() {
    assertOAuthError(
        token(basic("oauth-client", "oauth-secret"), "grant_type=password&username=a&password=b"),
        400,
        "unsupported_grant_type");
  }

  @Test
  void scopeTheClientMayNotHaveIs400InvalidScope() {
    assertOAuthError(
        token(basic("oauth-client", "oauth-secret"), CC + "&scope=orders%3Aread%20admin"),
        400,
        "invalid_scope");
  }

  @Test
  void missingGrantTypeRepeatedParametersOrBothAuthMethodsAre400InvalidRequest() {
    assertOAuthError(token(basic("oauth-client", "oauth-secret"), ""), 400, "invalid_request");
    assertOAuthError(
        token(basic("oauth-client", "oauth-secret"), CC + "&" + CC), 400, "invalid_request");
    assertOAuthError(
        token(basic("oauth-client", "oauth-secret"), CC + "&client_secret=oauth-secret"),
        400,
        "invalid_request");
  }

  @Test
  void wrongOrMissingContentTypeIs400InvalidRequestNever415() {
    for (String type : new String[] {"application/json", "text/plain", null}) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri("/oauth2/token"))
              .header("Authorization", basic("oauth-client", "oauth-secret"))
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      type != null && type.contains("json")
                          ? "{\"grant_type\":\"client_credentials\"}"
                          : CC));
      if (type != null) {
        b.header("Content-Type", type);
      }
      assertOAuthError(send(b), 400, "invalid_request");
    }
  }

  @Test
  void oversizedBodyIs400InvalidRequest() {
    String body = CC + "&pad=" + "x".repeat(20_000);
    assertOAuthError(token(basic("oauth-client", "oauth-secret"), body), 400, "invalid_request");
  }

  @Test
  void otherMethodsAre405WithTheRfcShape() {
    HttpResponse<String> r = Http.get(uri("/oauth2/token"));
    assertOAuthError(r, 405, "invalid_request");
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void suspendedAppGetsNoTokenAndItsTokenIsRefused() {
    String n = UUID.randomUUID().toString().substring(0, 8);
    JsonObject app = ok(AdminClient.send("POST", "/admin/v1/apps", "{\"name\":\"oa-" + n + "\"}"));
    String clientId = app.getString("clientId");
    String secret = app.getString("clientSecret");
    ok(
        AdminClient.send(
            "POST",
            "/admin/v1/subscriptions",
            "{\"appId\":" + app.getJsonNumber("id") + ",\"planId\":" + goldPlanId() + "}"));
    // Secrets are form-urlencoded inside Basic (RFC 6749 §2.3.1).
    HttpResponse<String> r = token(basic(urlencoded(clientId), urlencoded(secret)), CC);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String accessToken = json(r.body()).getString("access_token");
    assertThat(
            Http.get(uri("/reports/" + n), "Authorization", "Bearer " + accessToken).statusCode())
        .isEqualTo(200);

    ok(AdminClient.send("POST", "/admin/v1/apps/" + app.getJsonNumber("id") + "/suspend", null));

    RejectionsIT.assertProblem(
        Http.get(uri("/reports/" + n), "Authorization", "Bearer " + accessToken),
        403,
        "CLIENT_AUTH_APP_SUSPENDED");
    assertOAuthError(
        token(basic(urlencoded(clientId), urlencoded(secret)), CC), 401, "invalid_client");
  }

  @Test
  void bearerTokenNeverReachesTheMeshEvenWithoutTheHeadersPolicy() {
    String accessToken = accessToken();
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> call =
        Http.get(uri("/bearer-only/" + marker), "Authorization", "Bearer " + accessToken);
    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    StubUpstream.Received received = ManagedGateway.upstream().only(marker);
    assertThat(received.header("authorization")).isEmpty();
  }

  @Test
  void accessTokenIsRefusedWhereOauth2IsNotAllowed() {
    HttpResponse<String> orders =
        Http.get(uri("/orders/x"), "Authorization", "Bearer " + accessToken());
    RejectionsIT.assertProblem(orders, 401, "CLIENT_AUTH_MISSING");
    assertThat(orders.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).doesNotContain("Bearer"));
  }

  @Test
  void tamperedForgedOrGarbageBearerTokensAre401ProblemJson() {
    String accessToken = accessToken();
    String[] parts = accessToken.split("\\.");
    String tampered =
        parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
    // The same claims re-labelled alg none, with no signature.
    String none =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    "{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1]
            + ".";
    for (String bad : new String[] {tampered, none, "not.a.jwt", "x".repeat(9000)}) {
      HttpResponse<String> r = Http.get(uri("/reports/x"), "Authorization", "Bearer " + bad);
      RejectionsIT.assertProblem(r, 401, "CLIENT_AUTH_INVALID");
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"meshgate\", error=\"invalid_token\"");
    }
  }

  @Test
  void theMeshTokenItselfIsNotAnAccessToken() {
    // A token the gateway minted for the mesh (typ JWT, aud an API) must not work as a bearer.
    String marker = UUID.randomUUID().toString();
    assertThat(Http.get(uri("/orders/" + marker), "X-API-Key", "oauth-app-key").statusCode())
        .isEqualTo(200);
    String meshToken = ManagedGateway.upstream().only(marker).header("authorization").get(0);
    RejectionsIT.assertProblem(
        Http.get(uri("/reports/x"), "Authorization", meshToken), 401, "CLIENT_AUTH_INVALID");
  }

  private String accessToken() {
    HttpResponse<String> r = token(basic("oauth-client", "oauth-secret"), CC);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r.body()).getString("access_token");
  }

  private long goldPlanId() {
    JsonObject page = ok(AdminClient.send("GET", "/admin/v1/products?name=shop", null));
    for (JsonValue product : page.getJsonArray("items")) {
      if (!product.asJsonObject().getString("name").equals("shop")) {
        continue;
      }
      for (JsonValue plan : product.asJsonObject().getJsonArray("plans")) {
        if (plan.asJsonObject().getString("name").equals("gold")) {
          return plan.asJsonObject().getJsonNumber("id").longValue();
        }
      }
    }
    throw new AssertionError("no shop/gold plan: " + page);
  }

  private HttpResponse<String> token(String authorization, String form) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri("/oauth2/token"))
            .header("Content-Type", FORM)
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return send(b);
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) {
    return Http.send(b);
  }

  /** An RFC 6749 §5.2 error: JSON {error, error_description}, never cached, not problem+json. */
  private static void assertOAuthError(HttpResponse<String> r, int status, String error) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonObject body = json(r.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("error_description")).isNotBlank().doesNotContain("\"", "\\");
  }

  private static JsonObject ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    return json(r.body());
  }

  private static JsonObject part(String jwt, int index) {
    return json(
        new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8));
  }

  private static String urlencoded(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String basic(String id, String secret) {
    return "Basic "
        + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  private URI uri(String pathAndQuery) {
    return ManagedGateway.uri(base, pathAndQuery);
  }
}
