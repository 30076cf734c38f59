package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.token.BadTokens;
import io.meshgate.token.JwksServer;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.BadTokenCatalogues;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.IdpApi;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue #6's catalogue of bad tokens ({@link BadTokens}: alg none in four spellings, HMAC keyed
 * with the public key, unknown and injected kids, jku / x5u / jwk / x5c, expired, early, wrong iss
 * / aud / typ, missing exp, foreign signatures, broken encodings, deep JSON, a 1 MB token, ECDSA r
 * = s = 0) sent to each JWT path: the OAuth bearer path, the admin API and an API trusting an
 * external IdP. Each bad token is built from a token the path accepts (the control, sent first),
 * signed with the path's real key where the defect is elsewhere, so each is refused for its own
 * defect. Every one must get 401 problem+json, reach no upstream, and make no request to the server
 * its {@code jku} / {@code x5u} points at. The 1 MB token fits the default header field limit
 * ({@code HTTP_MAX_HEADER_FIELD_BYTES}), so it too reaches meshgate and is refused by the
 * validator's size limit; {@code RejectionsIT} shows the limit on a whole header block.
 */
class BadTokensIT extends OnManagedGateway {
  private static final Gateways gw = Gateways.get();
  private static JwksServer trap;
  private static IdpApi idpApi;

  @BeforeAll
  static void start() {
    trap = new JwksServer();
    idpApi = new IdpApi(60);
  }

  @AfterAll
  static void stop() {
    trap.close();
    idpApi.close();
  }

  @TestFactory
  Stream<DynamicTest> oauthBearerPath() {
    return catalogue(
        "oauth2",
        BadTokenCatalogues.oauth(trap.base()),
        marker -> gw.server().uri("/bearer-only/" + marker));
  }

  @TestFactory
  Stream<DynamicTest> adminApi() {
    return catalogue(
        "admin",
        BadTokenCatalogues.admin(trap.base()),
        marker -> AdminClient.uri("/admin/v1/apis"));
  }

  @TestFactory
  Stream<DynamicTest> externalIdpApi() {
    return catalogue(
        "idp",
        new BadTokens(
            idpApi.key,
            BadTokens.headerOf(idpApi.key, IdpApi.TYPE),
            idpApi.claims("alice", "orders:read"),
            trap.base(),
            Instant.now()),
        marker -> gw.server().uri(idpApi.basePath + "/orders/" + marker));
  }

  private Stream<DynamicTest> catalogue(
      String path, BadTokens tokens, Function<String, URI> target) {
    String controlMarker = UUID.randomUUID().toString();
    HttpResponse<String> control = call(target.apply(controlMarker), tokens.valid());
    assertThat(control.statusCode()).as(path + " control token: " + control.body()).isEqualTo(200);
    List<BadTokens.Bad> all = tokens.all();
    assertThat(all).hasSizeGreaterThanOrEqualTo(40);
    return all.stream()
        .map(
            bad ->
                DynamicTest.dynamicTest(
                    path + ": " + bad.defect(),
                    () -> {
                      String marker = UUID.randomUUID().toString();
                      HttpResponse<String> r = call(target.apply(marker), bad.token());
                      assertThat(r.statusCode()).as(bad.defect() + ": " + r.body()).isEqualTo(401);
                      assertThat(r.headers().firstValue("Content-Type"))
                          .hasValueSatisfying(
                              v -> assertThat(v).startsWith("application/problem+json"));
                      JsonObject problem =
                          Json.createReader(new StringReader(r.body())).readObject();
                      assertThat(problem.getInt("status")).isEqualTo(401);
                      assertThat(r.headers().firstValue("WWW-Authenticate"))
                          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
                      assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
                      assertThat(trap.requests()).as("requests to the jku / x5u server").isZero();
                    }));
  }

  private static HttpResponse<String> call(URI uri, String token) {
    return Http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET());
  }
}
