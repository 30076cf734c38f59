package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.token.BadTokens;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.IdpApi;
import it.io.meshgate.support.OAuthTokens;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * An API trusting an external identity provider (a JWKS served by a test HTTP server): end-user
 * tokens pass with the person carried to the mesh, the IdP's key rotation costs one refetch, a
 * flood of made-up kids cannot make the gateway hammer the IdP, and scopes decide per operation.
 */
class ExternalIdpIT extends OnManagedGateway {
  private final Gateways gw = Gateways.get();

  @Test
  void anEndUserTokenPassesAndTheMeshTokenCarriesAppAndPerson() {
    try (IdpApi api = new IdpApi(60)) {
      String marker = UUID.randomUUID().toString();
      HttpResponse<String> r = get(api, marker, api.token("alice@example.com", "orders:read"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

      StubUpstream.Received received = gw.upstream().only(marker);
      assertThat(received.header("x-client-id")).containsExactly(api.clientId);
      assertThat(received.header("x-client-plan")).containsExactly("gold");
      String meshToken = received.header("authorization").get(0).substring("Bearer ".length());
      JsonObject claims = part(meshToken, 1);
      assertThat(claims.getString("iss")).isEqualTo(Gateways.ISSUER);
      assertThat(claims.getString("sub")).isEqualTo(api.clientId);
      assertThat(claims.getJsonObject("act").getString("sub")).isEqualTo("alice@example.com");
      assertThat(claims.getJsonObject("act").getString("iss")).isEqualTo(api.issuer);
      assertThat(meshToken)
          .doesNotContain(api.token("alice@example.com", "orders:read").split("\\.")[2]);
    }
  }

  @Test
  void afterTheIdpRotatesTheFirstTokenWithTheNewKidIsAcceptedAfterOneRefetch() {
    try (IdpApi api = new IdpApi(60)) {
      assertThat(get(api, "warm", api.token("alice", "orders:read")).statusCode()).isEqualTo(200);
      int before = api.idp.jwksRequests();

      BadTokens.Signer old = api.key;
      BadTokens.Signer rotated = BadTokens.generate("idp-key-2-" + UUID.randomUUID(), "ES256");
      api.idp.serve(BadTokens.jwks(old, rotated));
      api.key = rotated;

      HttpResponse<String> first =
          get(api, UUID.randomUUID().toString(), api.token("bob", "orders:read"));
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(api.idp.jwksRequests() - before).as("refetches").isEqualTo(1);

      assertThat(get(api, "again", api.token("bob", "orders:read")).statusCode()).isEqualTo(200);
      assertThat(api.idp.jwksRequests() - before).as("no refetch for a known kid").isEqualTo(1);
    }
  }

  @Test
  void aFloodOfUnknownKidsCausesAtMostOneRefetchPerInterval() throws Exception {
    int interval = 60;
    try (IdpApi api = new IdpApi(interval)) {
      assertThat(get(api, "warm", api.token("alice", "orders:read")).statusCode()).isEqualTo(200);
      int before = api.idp.jwksRequests();
      long start = System.nanoTime();

      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        BadTokens.Signer made = BadTokens.generate("made-up-" + i, "ES256");
        String token =
            BadTokens.sign(
                BadTokens.headerOf(made, IdpApi.TYPE), api.claims("mallory", "orders:read"), made);
        statuses.add(pool.submit(() -> get(api, "flood", token).statusCode()));
      }
      for (Future<Integer> s : statuses) {
        assertThat(s.get()).isEqualTo(401);
      }
      pool.shutdown();
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      int refetches = api.idp.jwksRequests() - before;
      System.out.printf(
          "[%s] 400 unknown kids in %d s caused %d refetch(es) (interval %d s)%n",
          gw.db(), seconds, refetches, interval);
      assertThat(refetches).isLessThanOrEqualTo(1 + (int) (seconds / interval));
      assertThat(gw.upstream().requestsContaining("flood")).isEmpty();
    }
  }

  @Test
  void anOperationRequiringOrdersWriteRefusesAReadTokenAndAcceptsAWriteToken() {
    try (IdpApi api = new IdpApi(60)) {
      String readOnly = api.token("alice", "orders:read");
      HttpResponse<String> refused = post(api, "refused-" + UUID.randomUUID(), readOnly);
      assertInsufficientScope(refused);

      String marker = UUID.randomUUID().toString();
      HttpResponse<String> accepted =
          post(api, marker, api.token("alice", "orders:read orders:write"));
      assertThat(accepted.statusCode()).as(accepted.body()).isBetween(200, 299);
      assertThat(gw.upstream().requestsContaining(marker)).hasSize(1);
    }
  }

  @Test
  void theSameHoldsForTheGatewaysOwnOauthTokens() {
    try (IdpApi api = new IdpApi(60)) {
      String readOnly = oauthToken(api, "orders:read");
      assertInsufficientScope(post(api, "refused-" + UUID.randomUUID(), readOnly));

      String marker = UUID.randomUUID().toString();
      HttpResponse<String> accepted = post(api, marker, oauthToken(api, "orders:write"));
      assertThat(accepted.statusCode()).as(accepted.body()).isBetween(200, 299);
      assertThat(gw.upstream().requestsContaining(marker)).hasSize(1);
    }
  }

  @Test
  void misconfiguredIdentityProvidersAndScopesAreRefusedWhenTheApiIsSaved() {
    String base = "/bad-idp-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> r =
        AdminClient.send(
            "POST",
            "/admin/v1/apis",
            """
            {"name":"%1$s","version":"v1","basePath":"%2$s","upstreamUrl":"http://127.0.0.1:1",
             "steps":[
              {"policy":"client-auth","config":{"methods":["jwt"]}},
              {"policy":"client-auth","config":{"methods":["jwt"],"jwt":{"issuer":"i",
                "jwksUrl":"http://idp","audiences":["a"],"algorithms":["HS256"]}}},
              {"policy":"scope","config":{"operations":[{"method":"GET","path":"/a","scopes":[]}]}}]}
            """
                .formatted(base.substring(1), base));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(r.body())
        .contains("is required when methods include jwt")
        .contains("steps[1].config.jwt.algorithms[0]")
        .contains("steps[2].config.operations[0].scopes");
  }

  private void assertInsufficientScope(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValue(
            "Bearer realm=\"meshgate\", error=\"insufficient_scope\", scope=\"orders:write\"");
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(Json.createReader(new StringReader(r.body())).readObject().getString("title"))
        .isNotBlank();
  }

  private static String oauthToken(IdpApi api, String scope) {
    return OAuthTokens.clientCredentials(api.clientId, api.clientSecret, scope);
  }

  private HttpResponse<String> get(IdpApi api, String marker, String token) {
    return Http.send(
        HttpRequest.newBuilder(uri(api, marker)).header("Authorization", "Bearer " + token).GET());
  }

  private HttpResponse<String> post(IdpApi api, String marker, String token) {
    return Http.send(
        HttpRequest.newBuilder(uri(api, marker))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"item\":1}")));
  }

  private URI uri(IdpApi api, String marker) {
    return gw.server().uri(api.basePath + "/orders/" + marker);
  }

  private static JsonObject part(String jwt, int i) {
    return Json.createReader(
            new StringReader(
                new String(
                    Base64.getUrlDecoder().decode(jwt.split("\\.")[i]), StandardCharsets.UTF_8)))
        .readObject();
  }
}
