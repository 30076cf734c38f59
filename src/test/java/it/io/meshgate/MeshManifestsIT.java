package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.istio.ManifestText;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /admin/v1/istio/manifests} and {@code POST /admin/v1/istio/drift} through the real
 * server: the demo catalog and a three-plan, two-version canary catalog written through the admin
 * API compile to exactly the documents MeshManifestsTest expects (which it also checks against the
 * CRD schemas), in both routing forms, as YAML and as a JSON List; the drift report names a changed
 * weight, an extra rule and a missing subset exactly.
 */
class MeshManifestsIT extends OnManagedGateway {
  private static final String MANIFESTS = "/admin/v1/istio/manifests";
  private static final String DRIFT = "/admin/v1/istio/drift";

  private static String issuer;
  private static String jwksUri;

  @BeforeAll
  static void catalogWithACanary() {
    JsonObject ra =
        json(
            get("/admin/v1/istio/request-authentication?jwks=uri", AdminClient.viewerToken(), null)
                .body());
    JsonObject rule = ra.getJsonObject("spec").getJsonArray("jwtRules").getJsonObject(0);
    issuer = rule.getString("issuer");
    jwksUri = rule.getString("jwksUri");
    if (json(AdminClient.send("GET", "/admin/v1/apis?name=catalogue", null).body())
        .getJsonArray("items")
        .isEmpty()) {
      HttpResponse<String> api =
          AdminClient.send(
              "POST",
              "/admin/v1/apis",
              """
              {"name": "catalogue", "basePath": "/catalogue",
               "upstreamUrl": "http://catalogue.shop.svc.cluster.local:8080/api",
               "audience": "https://api.example.com/catalogue", "state": "published",
               "steps": [
                 {"policy": "client-auth"}, {"policy": "subscription"},
                 {"policy": "scope", "config": {"operations": [
                   {"method": "POST", "path": "/items", "scopes": ["items:write"]},
                   {"method": "PUT", "path": "/items", "scopes": ["items:write"]},
                   {"method": "DELETE", "path": "/items/{id}", "scopes": ["items:delete"]}]}},
                 {"policy": "token"}, {"policy": "headers"}],
               "mesh": {
                 "service": "catalogue", "namespace": "shop", "targetPort": 8081,
                 "workloadLabels": {"app.kubernetes.io/name": "catalogue"},
                 "versionLabel": "app.kubernetes.io/version",
                 "defaultRoute": [{"subset": "v1"}],
                 "plans": {"plus": [{"subset": "v2"}],
                           "preview": [{"subset": "v2", "weight": 90}, {"subset": "v1", "weight": 10}]},
                 "connectionPool": {"maxConnections": 100, "maxPendingRequests": 50,
                                    "maxRequestsPerConnection": 10},
                 "outlierDetection": {"consecutive5xxErrors": 5, "intervalSeconds": 10,
                                      "baseEjectionSeconds": 30, "maxEjectionPercent": 50}}}
              """);
      assertThat(api.statusCode()).as(api.body()).isEqualTo(201);
      long apiId = json(api.body()).getJsonNumber("id").longValue();
      HttpResponse<String> product =
          AdminClient.send(
              "POST", "/admin/v1/products", "{\"name\": \"streaming\", \"apis\": [" + apiId + "]}");
      assertThat(product.statusCode()).as(product.body()).isEqualTo(201);
      long productId = json(product.body()).getJsonNumber("id").longValue();
      for (String plan :
          List.of(
              "{\"name\": \"basic\", \"scopes\": [\"items:read\"]}",
              "{\"name\": \"plus\", \"scopes\": [\"items:read\", \"items:write\", \"items:delete\"]}",
              "{\"name\": \"preview\", \"scopes\": [\"items:read\", \"items:write\", \"items:delete\"]}")) {
        HttpResponse<String> r =
            AdminClient.send("POST", "/admin/v1/products/" + productId + "/plans", plan);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      }
    }
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  private static HttpResponse<String> get(String path, String token, String accept) {
    HttpRequest.Builder b = HttpRequest.newBuilder(ManagedGateway.server().adminUri(path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    return Http.send(b);
  }

  private static String expected(String file, long revision) throws IOException {
    try (InputStream in =
        MeshManifestsIT.class.getResourceAsStream("/io/meshgate/istio/expected/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("${issuer}", issuer)
          .replace("${jwksUri}", jwksUri)
          .replace("${revision}", Long.toString(revision));
    }
  }

  @ParameterizedTest(name = "{0}, routing={1}")
  @CsvSource({
    "echo, istio, demo-istio.yaml",
    "echo, gateway-api, demo-gateway-api.yaml",
    "catalogue, istio, canary-istio.yaml",
    "catalogue, gateway-api, canary-gateway-api.yaml"
  })
  void theCatalogCompilesToTheExpectedDocuments(String api, String routing, String file)
      throws IOException {
    String query = MANIFESTS + "?api=" + api + "&routing=" + routing + "&jwks=uri";
    HttpResponse<String> yaml = get(query, AdminClient.viewerToken(), null);
    assertThat(yaml.statusCode()).as(yaml.body()).isEqualTo(200);
    assertThat(yaml.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
    long revision =
        Long.parseLong(yaml.headers().firstValue("X-Meshgate-Catalog-Revision").orElseThrow());
    List<Map<String, Object>> actual = ManifestText.read(yaml.body());
    List<Map<String, Object>> wanted = ManifestText.read(expected(file, revision));
    assertThat(actual).hasSize(wanted.size());
    for (int i = 0; i < wanted.size(); i++) {
      assertThat(actual.get(i)).as("document %d of %s", i + 1, file).isEqualTo(wanted.get(i));
    }

    HttpResponse<String> list = get(query, AdminClient.viewerToken(), "application/json");
    assertThat(list.statusCode()).isEqualTo(200);
    JsonObject asJson = json(list.body());
    assertThat(asJson.getString("kind")).isEqualTo("List");
    assertThat(ManifestText.read(list.body())).isEqualTo(actual);
  }

  @Test
  void theInlineKeySetIsTheOneTheGatewayServes() {
    HttpResponse<String> r = get(MANIFESTS + "?api=echo", AdminClient.viewerToken(), null);
    Map<?, ?> ra = ManifestText.read(r.body()).get(0);
    Map<?, ?> rule = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ra.get("spec")).get("jwtRules")).get(0);
    HttpResponse<String> served = Http.get(ManagedGateway.server().uri("/.well-known/jwks.json"));
    assertThat(json((String) rule.get("jwks"))).isEqualTo(json(served.body()));
  }

  @Test
  void theNamespaceSelectsItsDestinations() {
    HttpResponse<String> r = get(MANIFESTS + "?namespace=shop", AdminClient.viewerToken(), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(ManifestText.read(r.body()))
        .allSatisfy(
            d -> assertThat(((Map<?, ?>) d.get("metadata")).get("namespace")).isEqualTo("shop"))
        .isNotEmpty();
    HttpResponse<String> none =
        get(MANIFESTS + "?namespace=empty-ns", AdminClient.viewerToken(), null);
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(ManifestText.read(none.body())).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "?namespace=Bad_NS, 400, VALIDATION_FAILED",
    "?routing=ingress, 400, VALIDATION_FAILED",
    "?jwks=file, 400, VALIDATION_FAILED",
    "?api=no-such-api, 404, MESH_API_NOT_FOUND",
    "?api=orders, 404, MESH_API_NOT_FOUND"
  })
  void badParametersAreRefusedClearly(String query, int status, String errorKey) {
    HttpResponse<String> r = get(MANIFESTS + query, AdminClient.viewerToken(), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(r.body()).getString("errorKey")).isEqualTo(errorKey);
  }

  @Test
  void onlyAdminsAskForADriftReportAndNobodyWithoutAToken() {
    assertThat(get(MANIFESTS, null, null).statusCode()).isEqualTo(401);
    HttpResponse<String> viewer =
        AdminClient.send(
            ManagedGateway.server(),
            AdminClient.viewerToken(),
            "POST",
            DRIFT,
            "application/yaml",
            "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(viewer.statusCode()).isEqualTo(403);
    HttpResponse<String> onDataPort =
        Http.get(
            ManagedGateway.server().uri(MANIFESTS),
            "Authorization",
            "Bearer " + AdminClient.token());
    assertThat(onDataPort.statusCode()).isEqualTo(404);
  }

  @Test
  void driftNamesAChangedWeightAnExtraRuleAndAMissingSubset() {
    String query = "?api=catalogue&jwks=uri";
    HttpResponse<String> compiled = get(MANIFESTS + query, AdminClient.token(), null);
    long revision =
        Long.parseLong(compiled.headers().firstValue("X-Meshgate-Catalog-Revision").orElseThrow());
    List<Map<String, Object>> applied = ManifestText.read(compiled.body());

    HttpResponse<String> clean = drift(query, ManifestText.yaml(applied), "application/json");
    assertThat(clean.statusCode()).as(clean.body()).isEqualTo(200);
    assertThat(json(clean.body()).getBoolean("inSync")).isTrue();

    Map<String, Object> vs = find(applied, "VirtualService");
    map(list(list(map(vs, "spec"), "http").get(1), "route").get(0)).put("weight", 80);
    Map<String, Object> allow = find(applied, "AuthorizationPolicy");
    List<Object> rules = new ArrayList<>(list(map(allow, "spec"), "rules"));
    rules.add(Map.of("from", List.of(Map.of("source", Map.of("namespaces", List.of("shop"))))));
    map(allow, "spec").put("rules", rules);
    Map<String, Object> dr = find(applied, "DestinationRule");
    List<Object> subsets = new ArrayList<>(list(map(dr, "spec"), "subsets"));
    subsets.remove(1);
    map(dr, "spec").put("subsets", subsets);

    HttpResponse<String> report = drift(query, ManifestText.yaml(applied), "text/plain");
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    assertThat(report.body())
        .isEqualTo(
            "catalog revision "
                + revision
                + "\n"
                + "different security.istio.io AuthorizationPolicy shop/meshgate-catalogue"
                + " (applied from revision "
                + revision
                + ")\n"
                + "  spec.rules[3]: extra, found {\"from\":[{\"source\":{\"namespaces\":[\"shop\"]}}]}\n"
                + "different networking.istio.io DestinationRule shop/meshgate-catalogue"
                + " (applied from revision "
                + revision
                + ")\n"
                + "  spec.subsets[1]: missing, expected"
                + " {\"name\":\"v2\",\"labels\":{\"app.kubernetes.io/version\":\"v2\"}}\n"
                + "different networking.istio.io VirtualService shop/meshgate-catalogue"
                + " (applied from revision "
                + revision
                + ")\n"
                + "  spec.http[1].route[0].weight: expected 90, found 80\n"
                + "drift: 3 of 5 resources\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "application/yaml | 'a: [unclosed' | 400 | MALFORMED_BODY",
        "application/yaml | '- just\n- a list' | 400 | MALFORMED_BODY",
        "application/yaml | 'kind: Thing' | 400 | MALFORMED_BODY",
        "application/xml | '<a/>' | 415 | UNSUPPORTED_MEDIA_TYPE"
      })
  void badDriftBodiesAreRefusedClearly(String type, String body, int status, String errorKey) {
    HttpResponse<String> r =
        AdminClient.send(
            ManagedGateway.server(),
            AdminClient.token(),
            "POST",
            DRIFT,
            type,
            body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(json(r.body()).getString("errorKey")).isEqualTo(errorKey);
  }

  @Test
  void aDriftBodyOverTheLimitIsRefusedWithoutReadingIt() {
    byte[] big = new byte[2 * 1024 * 1024 + 1];
    java.util.Arrays.fill(big, (byte) '#');
    HttpResponse<String> r =
        AdminClient.send(
            ManagedGateway.server(), AdminClient.token(), "POST", DRIFT, "application/yaml", big);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
    assertThat(json(r.body()).getString("errorKey")).isEqualTo("BODY_TOO_LARGE");
  }

  private static HttpResponse<String> drift(String query, String yaml, String accept) {
    return Http.send(
        HttpRequest.newBuilder(ManagedGateway.server().adminUri(DRIFT + query))
            .header("Authorization", "Bearer " + AdminClient.token())
            .header("Content-Type", "application/yaml")
            .header("Accept", accept)
            .POST(HttpRequest.BodyPublishers.ofString(yaml)));
  }

  private static Map<String, Object> find(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> doc, String key) {
    return (Map<String, Object>) doc.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object doc, String key) {
    return (List<Object>) ((Map<String, Object>) doc).get(key);
  }
}
