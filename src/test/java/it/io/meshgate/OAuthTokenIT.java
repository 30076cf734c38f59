package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** OAuth 2.0 client credentials: tokens for apps, accepted where an API allows oauth2. */
class OAuthTokenIT {
  private final Gateways gw = Gateways.get();

  @Test
  void basicClientGetsATokenTheGatewayAcceptsOnAnOauth2Api() throws Exception {
    HttpResponse<String> r =
        token(basic("oauth-client", "oauth-secret"), "grant_type=client_credentials");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonObject body = json(r.body());
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.getInt("expires_in")).isPositive();
    assertThat(body.getString("scope")).isEqualTo("orders:read orders:write");
    String accessToken = body.getString("access_token");
    JsonObject header =
        json(
            new String(
                Base64.getUrlDecoder().decode(accessToken.split("\\.")[0]),
                StandardCharsets.UTF_8));
    assertThat(header.getString("typ")).isEqualTo("at+jwt");
    JsonObject claims =
        json(
            new String(
                Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]),
                StandardCharsets.UTF_8));
    assertThat(claims.getString("client_id")).isEqualTo("oauth-client");
    assertThat(claims.getString("aud")).isEqualTo(Gateways.ISSUER);

    String marker = UUID.randomUUID().toString();
    HttpResponse<String> call =
        Http.get(gw.server().uri("/reports/" + marker), "Authorization", "Bearer " + accessToken);
    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    StubUpstream.Received received = gw.upstream().only(marker);
    assertThat(received.header("x-client-id")).containsExactly("oauth-client");
    assertThat(received.header("x-client-plan")).containsExactly("gold");
    String meshToken = received.header("authorization").get(0);
    assertThat(meshToken).startsWith("Bearer ").isNotEqualTo("Bearer " + accessToken);
  }

  @Test
  void clientSecretPostWorksAndAScopeSubsetIsGranted() {
    HttpResponse<String> r =
        token(
            null,
            "grant_type=client_credentials&client_id=oauth-client&client_secret=oauth-secret&scope=orders%3Aread");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r.body()).getString("scope")).isEqualTo("orders:read");
  }

  @Test
  void wrongSecretIs401InvalidClient() {
    HttpResponse<String> r = token(basic("oauth-client", "nope"), "grant_type=client_credentials");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r.body()).getString("error")).isEqualTo("invalid_client");
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
  }

  @Test
  void unknownGrantTypeIs400UnsupportedGrantType() {
    HttpResponse<String> r =
        token(basic("oauth-client", "oauth-secret"), "grant_type=password&username=a&password=b");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r.body()).getString("error")).isEqualTo("unsupported_grant_type");
  }

  @Test
  void scopeTheClientMayNotHaveIs400InvalidScope() {
    HttpResponse<String> r =
        token(
            basic("oauth-client", "oauth-secret"),
            "grant_type=client_credentials&scope=orders%3Aread%20admin");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r.body()).getString("error")).isEqualTo("invalid_scope");
  }

  @Test
  void missingGrantTypeOrRepeatedParametersAre400InvalidRequest() {
    assertThat(json(token(basic("oauth-client", "oauth-secret"), "").body()).getString("error"))
        .isEqualTo("invalid_request");
    HttpResponse<String> r =
        token(
            basic("oauth-client", "oauth-secret"),
            "grant_type=client_credentials&grant_type=client_credentials");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r.body()).getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void accessTokenIsRefusedWhereOauth2IsNotAllowedAndGarbageIsRefusedEverywhere() {
    String accessToken =
        json(token(basic("oauth-client", "oauth-secret"), "grant_type=client_credentials").body())
            .getString("access_token");
    HttpResponse<String> orders =
        Http.get(gw.server().uri("/orders/x"), "Authorization", "Bearer " + accessToken);
    RejectionsIT.assertProblem(orders, 401, "CLIENT_AUTH_MISSING");

    String[] parts = accessToken.split("\\.");
    String tampered =
        parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
    HttpResponse<String> bad =
        Http.get(gw.server().uri("/reports/x"), "Authorization", "Bearer " + tampered);
    RejectionsIT.assertProblem(bad, 401, "CLIENT_AUTH_INVALID");
    assertThat(bad.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    RejectionsIT.assertProblem(
        Http.get(gw.server().uri("/reports/x"), "Authorization", "Bearer not.a.jwt"),
        401,
        "CLIENT_AUTH_INVALID");
  }

  private HttpResponse<String> token(String authorization, String form) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gw.server().uri("/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return Http.send(b);
  }

  private static String basic(String id, String secret) {
    return "Basic "
        + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }
}
