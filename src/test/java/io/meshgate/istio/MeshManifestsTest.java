package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.catalog.api.MeshDestination;
import io.meshgate.catalog.api.MeshDestination.Backend;
import io.meshgate.istio.MeshManifests.MeshApi;
import io.meshgate.istio.MeshManifests.Operation;
import io.meshgate.istio.MeshManifests.PlanAccess;
import io.meshgate.istio.MeshManifests.Routing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compiler's output for the demo catalog (Bookinfo's reviews: free → v1, premium → v2, beta →
 * v3) and for a catalog with three plans, two versions and a weighted canary, field by field
 * against documents written out in {@code src/test/resources/io/meshgate/istio/}, in both routing
 * forms.
 */
class MeshManifestsTest {
  static final String ISSUER = "https://meshgate.meshgate-system.svc.cluster.local";
  static final String JWKS_URI = ISSUER + "/.well-known/jwks.json";

  /** The demo catalog's echo API as MeshCatalog reads it. */
  static MeshApi demo() {
    return new MeshApi(
        "echo",
        "echo",
        new MeshDestination(
            "reviews",
            "bookinfo",
            9080,
            null,
            null,
            null,
            List.of(new Backend("v1", null)),
            Map.of(
                "premium",
                List.of(new Backend("v2", null)),
                "beta",
                List.of(new Backend("v3", null))),
            null,
            null),
        List.of(
            new PlanAccess("beta", List.of()),
            new PlanAccess("free", List.of()),
            new PlanAccess("premium", List.of())));
  }

  /**
   * Three plans, two versions, a weighted canary: basic takes the default v1, plus goes to v2,
   * preview is split 90/10 between v2 and v1. basic lacks the scope that writing items needs.
   */
  static MeshApi canary() {
    return new MeshApi(
        "catalogue",
        "https://api.example.com/catalogue",
        new MeshDestination(
            "catalogue",
            "shop",
            8080,
            8081,
            Map.of("app.kubernetes.io/name", "catalogue"),
            "app.kubernetes.io/version",
            List.of(new Backend("v1", null)),
            Map.of(
                "plus", List.of(new Backend("v2", null)),
                "preview", List.of(new Backend("v2", 90), new Backend("v1", 10))),
            new MeshDestination.ConnectionPool(100, 50, 10),
            new MeshDestination.OutlierDetection(5, 10, 30, 50)),
        List.of(
            new PlanAccess(
                "basic",
                List.of(
                    new Operation(List.of("POST", "PUT"), "/api/items"),
                    new Operation(List.of("DELETE"), "/api/items/{*}"))),
            new PlanAccess("plus", List.of()),
            new PlanAccess("preview", List.of())));
  }

  static MeshManifests.Settings settings(Routing routing) {
    return new MeshManifests.Settings(
        ISSUER,
        RequestAuthentications.KeySource.URI,
        JWKS_URI,
        "{}",
        "x-client-plan",
        "plan",
        42,
        routing);
  }

  @ParameterizedTest
  @EnumSource(Routing.class)
  void demoCatalogCompilesToTheExpectedDocuments(Routing routing) throws IOException {
    assertMatchesExpected(List.of(demo()), routing, "demo");
  }

  @ParameterizedTest
  @EnumSource(Routing.class)
  void threePlansTwoVersionsAndACanaryCompileToTheExpectedDocuments(Routing routing)
      throws IOException {
    assertMatchesExpected(List.of(canary()), routing, "canary");
  }

  @ParameterizedTest
  @EnumSource(Routing.class)
  void everyCompiledResourceIsValidAgainstItsCrd(Routing routing) {
    for (Map<String, Object> doc :
        MeshManifests.compile(List.of(demo(), canary()), settings(routing))) {
      String apiVersion = (String) doc.get("apiVersion");
      if (apiVersion.equals("v1")) {
        continue; // a core Service: no CRD
      }
      String bundle =
          apiVersion.startsWith("gateway.networking.k8s.io/")
              ? CrdSchemas.GATEWAY_API
              : CrdSchemas.ISTIO;
      assertThat(CrdSchemas.load(bundle).validate(doc))
          .as("%s %s", doc.get("kind"), ((Map<?, ?>) doc.get("metadata")).get("name"))
          .isEmpty();
    }
  }

  /**
   * What the API server stores is the resource with its schema defaults filled in; the compiler
   * writes them out itself, so what {@code kubectl get} returns compares equal in the drift report.
   */
  @ParameterizedTest
  @EnumSource(Routing.class)
  void compiledResourcesAlreadyCarryTheirSchemaDefaults(Routing routing) {
    for (Map<String, Object> doc :
        MeshManifests.compile(List.of(demo(), canary()), settings(routing))) {
      String apiVersion = (String) doc.get("apiVersion");
      if (apiVersion.equals("v1")) {
        continue;
      }
      CrdSchemas schemas =
          CrdSchemas.load(
              apiVersion.startsWith("gateway.networking.k8s.io/")
                  ? CrdSchemas.GATEWAY_API
                  : CrdSchemas.ISTIO);
      Drift.Report report = Drift.compare(0, List.of(doc), List.of(schemas.withDefaults(doc)));
      assertThat(report.different()).as("%s", doc.get("kind")).isEmpty();
    }
  }

  @Test
  void twoDestinationsThatWouldWriteOneResourceAreAConflict() {
    // Service shop, version cart-v1 and Service shop-cart, version v1: both need a Service
    // shop-cart-v1 in the Gateway API form.
    MeshApi shop =
        new MeshApi(
            "shop",
            "shop",
            new MeshDestination(
                "shop",
                "bookinfo",
                9080,
                null,
                null,
                null,
                List.of(new Backend("cart-v1", null)),
                null,
                null,
                null),
            List.of());
    MeshApi cart =
        new MeshApi(
            "cart",
            "cart",
            new MeshDestination(
                "shop-cart",
                "bookinfo",
                9080,
                null,
                null,
                null,
                List.of(new Backend("v1", null)),
                null,
                null,
                null),
            List.of());
    assertThat(MeshManifests.compile(List.of(shop, cart), settings(Routing.ISTIO))).hasSize(8);
    assertThatThrownBy(
            () -> MeshManifests.compile(List.of(shop, cart), settings(Routing.GATEWAY_API)))
        .isInstanceOf(MeshManifests.ConflictException.class)
        .hasMessage(
            "Two destinations compile to the same resource Service bookinfo/shop-cart-v1; rename a"
                + " Service or a version");
  }

  @Test
  void twoApisOnOneServiceMustDescribeItAlike() {
    MeshApi other =
        new MeshApi(
            "echo-v2",
            "echo-v2",
            new MeshDestination(
                "reviews",
                "bookinfo",
                9080,
                null,
                null,
                null,
                List.of(new Backend("v2", null)),
                null,
                null,
                null),
            List.of());
    assertThatThrownBy(() -> MeshManifests.compile(List.of(demo(), other), settings(Routing.ISTIO)))
        .isInstanceOf(MeshManifests.ConflictException.class)
        .hasMessage(
            "APIs echo and echo-v2 both name the mesh destination bookinfo/reviews but describe it"
                + " differently (port, labels, routes or traffic policy); make their mesh settings"
                + " equal");
  }

  @Test
  void twoApisOnOneServiceShareItsResourcesAndEachAudienceIsTrusted() {
    MeshApi twin =
        new MeshApi(
            "echo-admin",
            "echo-admin",
            demo().destination(),
            List.of(new PlanAccess("gold", List.of())));
    List<Map<String, Object>> docs =
        MeshManifests.compile(List.of(twin, demo()), settings(Routing.ISTIO));
    assertThat(docs)
        .extracting(d -> d.get("kind"))
        .containsExactly(
            "RequestAuthentication", "AuthorizationPolicy", "DestinationRule", "VirtualService");
    Map<?, ?> rule =
        (Map<?, ?>) ((List<?>) ((Map<?, ?>) docs.get(0).get("spec")).get("jwtRules")).get(0);
    assertThat(rule.get("audiences")).isEqualTo(List.of("echo", "echo-admin"));
    List<?> rules = (List<?>) ((Map<?, ?>) docs.get(1).get("spec")).get("rules");
    assertThat(rules).hasSize(4); // beta, free, gold, premium
    assertThat(((Map<?, ?>) docs.get(0).get("metadata")).get("annotations"))
        .isEqualTo(Map.of(MeshManifests.APIS_ANNOTATION, "echo,echo-admin"));
  }

  /**
   * Compares document by document, field by field (parsed, so key order and quoting do not matter).
   * The actual YAML is written to {@code target/mesh-actual/} to compare.
   */
  static void assertMatchesExpected(List<MeshApi> apis, Routing routing, String name)
      throws IOException {
    List<Map<String, Object>> actual = MeshManifests.compile(apis, settings(routing));
    String file = name + "-" + routing.name().toLowerCase(Locale.ROOT).replace('_', '-') + ".yaml";
    Path out = Path.of("target", "mesh-actual", file);
    Files.createDirectories(out.getParent());
    Files.writeString(out, ManifestText.yaml(actual));
    List<Map<String, Object>> expected = ManifestText.read(expected(file, ISSUER, JWKS_URI, 42));
    assertThat(actual)
        .as("compiled %s (actual written to target/mesh-actual/)", file)
        .hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("document %d of %s", i + 1, file).isEqualTo(expected.get(i));
    }
  }

  /** An expected-documents file with the deployment's values put in. */
  static String expected(String file, String issuer, String jwksUri, long revision)
      throws IOException {
    try (InputStream in = MeshManifestsTest.class.getResourceAsStream("expected/" + file)) {
      assertThat(in).as("expected/%s", file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("${issuer}", issuer)
          .replace("${jwksUri}", jwksUri)
          .replace("${revision}", Long.toString(revision));
    }
  }
}
