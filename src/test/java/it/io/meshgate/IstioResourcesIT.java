package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/v1/istio/request-authentication} through the real server. */
class IstioResourcesIT extends OnManagedGateway {
  private static final String PATH = "/admin/v1/istio/request-authentication";

  @ArquillianResource private URL base;

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  private static HttpResponse<String> get(String query, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(ManagedGateway.server().adminUri(PATH + query)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return Http.send(b);
  }

  @Test
  void inlineVariantCarriesTheKeySetTheGatewayServes() {
    HttpResponse<String> r = get("?namespace=bookinfo", AdminClient.viewerToken());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject ra = json(r.body());
    assertThat(ra.getString("kind")).isEqualTo("RequestAuthentication");
    assertThat(ra.getJsonObject("metadata").getString("namespace")).isEqualTo("bookinfo");
    JsonObject rule = ra.getJsonObject("spec").getJsonArray("jwtRules").getJsonObject(0);
    HttpResponse<String> served = Http.get(uri("/.well-known/jwks.json"));
    assertThat(json(rule.getString("jwks"))).isEqualTo(json(served.body()));
    assertThat(json(rule.getString("jwks")).getJsonArray("keys")).isNotEmpty();
  }

  @Test
  void uriVariantPointsAtTheJwksPath() {
    HttpResponse<String> r = get("?jwks=uri", AdminClient.viewerToken());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject ra = json(r.body());
    assertThat(ra.getJsonObject("metadata").getString("namespace")).isEqualTo("istio-system");
    JsonObject rule = ra.getJsonObject("spec").getJsonArray("jwtRules").getJsonObject(0);
    assertThat(rule.getString("jwksUri")).endsWith("/.well-known/jwks.json");
    assertThat(rule.containsKey("jwks")).isFalse();
  }

  @Test
  void badParametersAndMissingTokensAreRefusedClearly() {
    for (String query : new String[] {"?namespace=Bad_NS", "?jwks=file", "?name=-x"}) {
      HttpResponse<String> r = get(query, AdminClient.viewerToken());
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    assertThat(get("", null).statusCode()).isEqualTo(401);
  }

  private URI uri(String pathAndQuery) {
    return ManagedGateway.uri(base, pathAndQuery);
  }
}
