package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.testing.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks what {@code kubernetes/} deploys, without a cluster: the kustomize tree renders, every
 * Istio resource in it is valid against the real Istio CRD schemas (strictly: an unknown field is
 * an error, as {@code kubectl apply --validate=strict} reports it), and the gateway, the JWT rules
 * and the plan routes agree with each other.
 *
 * <p>The CRD bundle is read from the shared folder ({@code meshgate.shared.dir}, else {@code
 * ../shared}), never copied into the project; {@link CrdSchemas} applies its defaults and CEL rules
 * as an API server would. What it leaves unchecked ({@code x-kubernetes-list-type: map} key
 * uniqueness) is listed there.
 */
class KubernetesManifestsTest {

  private static final Path PROJECT_DIR =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  private static final Path KUBERNETES_DIR = PROJECT_DIR.resolve("kubernetes");

  private static final Set<String> ISTIO_KINDS =
      Set.of("RequestAuthentication", "AuthorizationPolicy", "DestinationRule", "VirtualService");
  private static final String PLAN_HEADER = "x-client-plan";
  private static final String JWKS_PATH = "/.well-known/jwks.json";

  // ---------------------------------------------------------------- (a) the tree renders

  @Test
  void kustomizationRendersTheGatewayAndTheMeshSample() {
    List<Map<String, Object>> docs = KustomizeTree.render(KUBERNETES_DIR);

    assertThat(docs).extracting(KubernetesManifestsTest::id).doesNotHaveDuplicates();
    assertThat(docs)
        .extracting(KubernetesManifestsTest::id)
        .contains(
            "v1/Namespace//meshgate-system",
            "apps/v1/Deployment/meshgate-system/meshgate",
            "v1/Service/meshgate-system/meshgate",
            "v1/ConfigMap/meshgate-system/meshgate-config",
            "v1/Namespace//bookinfo");
    for (Map<String, Object> doc : docs) {
      if (!"Namespace".equals(doc.get("kind"))) {
        assertThat(str(doc, "metadata.namespace")).as("namespace of %s", id(doc)).isNotBlank();
      }
    }
    // Secret values never live in the repository: the Deployment only refers to the Secret.
    assertThat(docs).extracting(d -> d.get("kind")).doesNotContain("Secret");
  }

  @Test
  void kubectlRendersTheSameDocuments() throws Exception {
    Optional<Path> kubectl = Executables.onPath("kubectl");
    assumeTrue(kubectl.isPresent(), "kubectl is not on PATH: only the built-in renderer ran");

    Path out = Files.createTempFile("kustomize", ".yaml");
    Path err = Files.createTempFile("kustomize", ".err");
    try {
      Process process =
          new ProcessBuilder(kubectl.get().toString(), "kustomize", KUBERNETES_DIR.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("kubectl kustomize did not finish within 2 minutes");
      }
      assertThat(process.exitValue())
          .as("kubectl kustomize %s exit code; stderr:%n%s", KUBERNETES_DIR, Files.readString(err))
          .isZero();
      // The built-in renderer is what the schema checks below run on, so it must agree with
      // kubectl document for document (kubectl only reorders them).
      List<Map<String, Object>> byKubectl = Yamls.loadAll(Files.readString(out));
      assertThat(byKubectl)
          .containsExactlyInAnyOrderElementsOf(KustomizeTree.render(KUBERNETES_DIR));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  // ------------------------------------------------- (b) Istio resources match the CRDs

  @TestFactory
  Stream<DynamicTest> everyIstioResourceMatchesItsCrdSchema() {
    List<Map<String, Object>> istio = istioDocs(KustomizeTree.render(KUBERNETES_DIR));
    assertThat(istio).as("Istio resources in kubernetes/").isNotEmpty();
    CrdSchemas crds = CrdSchemas.load(CrdSchemas.ISTIO);
    return istio.stream()
        .map(
            doc ->
                DynamicTest.dynamicTest(
                    id(doc),
                    () -> {
                      List<String> problems = crds.validate(doc);
                      assertThat(problems)
                          .withFailMessage(
                              "%s does not match its CRD schema:%n  %s",
                              id(doc), String.join("\n  ", problems))
                          .isEmpty();
                    }));
  }

  // ------------------------------------ (c) the resources say what the gateway needs

  @Test
  void meshSampleHasExactlyTheFourIstioResources() {
    assertThat(istioDocs(KustomizeTree.render(KUBERNETES_DIR)))
        .extracting(d -> (String) d.get("kind"))
        .containsExactlyInAnyOrderElementsOf(ISTIO_KINDS);
  }

  @Test
  void virtualServiceRoutesEachPlanToItsReviewsVersion() {
    List<Map<String, Object>> docs = KustomizeTree.render(KUBERNETES_DIR);
    Map<String, Object> vs = single(docs, "VirtualService");
    Map<String, Object> dr = single(docs, "DestinationRule");

    Map<String, String> subsetByPlan = new LinkedHashMap<>();
    String defaultSubset = null;
    List<Map<String, Object>> routes = list(vs, "spec.http");
    for (int i = 0; i < routes.size(); i++) {
      Map<String, Object> route = routes.get(i);
      List<Map<String, Object>> destinations = list(route, "route");
      assertThat(destinations).as("destinations of http[%d]", i).hasSize(1);
      assertThat(str(destinations.get(0), "destination.host")).isEqualTo("reviews");
      String subset = str(destinations.get(0), "destination.subset");
      List<Map<String, Object>> matches = list(route, "match");
      if (matches.isEmpty()) {
        assertThat(i).as("the catch-all route must be the last one").isEqualTo(routes.size() - 1);
        defaultSubset = subset;
      } else {
        for (Map<String, Object> match : matches) {
          assertThat(match)
              .as("http[%d] matches only on the plan header", i)
              .containsOnlyKeys("headers");
          assertThat(map(match, "headers")).containsOnlyKeys(PLAN_HEADER);
          subsetByPlan.put(str(match, "headers." + PLAN_HEADER + ".exact"), subset);
        }
      }
    }

    assertThat(subsetByPlan)
        .containsExactlyInAnyOrderEntriesOf(Map.of("beta", "v3", "premium", "v2"));
    assertThat(defaultSubset).isEqualTo("v1");
    assertThat(str(dr, "spec.host")).isEqualTo("reviews");
    Map<String, String> versionBySubset =
        list(dr, "spec.subsets").stream()
            .collect(Collectors.toMap(s -> str(s, "name"), s -> str(s, "labels.version")));
    assertThat(versionBySubset)
        .containsExactlyInAnyOrderEntriesOf(Map.of("v1", "v1", "v2", "v2", "v3", "v3"));
  }

  @Test
  void meshTrustsExactlyTheTokensTheGatewaySigns() {
    List<Map<String, Object>> docs = KustomizeTree.render(KUBERNETES_DIR);
    String issuer = str(single(docs, "ConfigMap"), "data.MESHGATE_ISSUER");
    assertThat(issuer).startsWith("https://");

    List<Map<String, Object>> jwtRules =
        list(single(docs, "RequestAuthentication"), "spec.jwtRules");
    assertThat(jwtRules).hasSize(1);
    Map<String, Object> rule = jwtRules.get(0);
    assertThat(str(rule, "issuer")).isEqualTo(issuer);
    assertThat(rule.get("forwardOriginalToken")).isEqualTo(false);
    assertThat(rule).doesNotContainKeys("jwks", "jwks_uri");
    // The JWKS URI must reach the gateway's own Service (name.namespace, port 80).
    Map<String, Object> service = single(docs, "Service");
    String serviceHost =
        str(service, "metadata.name")
            + "."
            + str(service, "metadata.namespace")
            + ".svc.cluster.local";
    assertThat(list(service, "spec.ports"))
        .anySatisfy(p -> assertThat(p.get("port")).isEqualTo(80));
    assertThat(str(rule, "jwksUri"))
        .endsWith(JWKS_PATH)
        .isEqualTo("http://" + serviceHost + JWKS_PATH);

    Map<String, Object> policy = single(docs, "AuthorizationPolicy");
    assertThat(str(policy, "spec.action")).isEqualTo("DENY");
    assertThat(map(policy, "spec")).doesNotContainKeys("selector", "targetRef", "targetRefs");
    List<Map<String, Object>> rules = list(policy, "spec.rules");
    assertThat(rules).hasSize(1);
    List<Map<String, Object>> from = list(rules.get(0), "from");
    assertThat(from).hasSize(1);
    assertThat(map(from.get(0), "source").get("notRequestPrincipals"))
        .isEqualTo(List.of(issuer + "/*"));
    assertThat(rules.get(0)).doesNotContainKeys("to", "when");
  }

  @Test
  void gatewayDeploymentIsProbedAndConfiguredWithoutSecretValues() {
    List<Map<String, Object>> docs = KustomizeTree.render(KUBERNETES_DIR);
    Map<String, Object> deployment = single(docs, "Deployment");
    assertThat(at(deployment, "spec.replicas")).isEqualTo(2);

    List<Map<String, Object>> containers = list(deployment, "spec.template.spec.containers");
    assertThat(containers).hasSize(1);
    Map<String, Object> container = containers.get(0);
    assertThat(list(container, "ports"))
        .containsExactly(Map.of("name", "http", "containerPort", 9080, "protocol", "TCP"));
    assertThat(str(container, "readinessProbe.httpGet.path")).isEqualTo("/health/ready");
    assertThat(str(container, "livenessProbe.httpGet.path")).isEqualTo("/health/live");
    assertThat(str(container, "readinessProbe.httpGet.port")).isEqualTo("http");
    assertThat(str(container, "livenessProbe.httpGet.port")).isEqualTo("http");
    assertThat(str(container, "resources.limits.memory")).isNotBlank();
    assertThat(str(container, "resources.requests.memory")).isNotBlank();

    assertThat(container).doesNotContainKey("env");
    assertThat(list(container, "envFrom"))
        .extracting(
            e ->
                e.containsKey("configMapRef")
                    ? "configMap:" + str(e, "configMapRef.name")
                    : "secret:" + str(e, "secretRef.name"))
        .containsExactlyInAnyOrder("configMap:meshgate-config", "secret:meshgate-secrets");

    Map<String, Object> config = map(single(docs, "ConfigMap"), "data");
    assertThat(config).containsEntry("HTTP_PORT", "9080").containsEntry("MESHGATE_DEMO", "false");
    assertThat(config).doesNotContainKeys("MESHGATE_KEK", "MESHGATE_SECRET_PEPPER", "DB_PASSWORD");

    Map<String, Object> service = single(docs, "Service");
    assertThat(list(service, "spec.ports"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p).containsEntry("name", "http").containsEntry("port", 80);
              assertThat(p).containsEntry("targetPort", "http");
            });
    assertThat(map(service, "spec.selector")).isNotEmpty();
    assertThat(map(deployment, "spec.template.metadata.labels"))
        .containsAllEntriesOf(map(service, "spec.selector"));
  }

  // -------------------------- (d) the checks can fail: broken inputs are rejected

  @Test
  void schemaRejectsAVirtualServiceWhoseHttpRoutesAreNotAList() {
    Map<String, Object> broken =
        Yamls.loadOne(
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http: notalist
            """);
    assertThat(CrdSchemas.load(CrdSchemas.ISTIO).validate(broken))
        .anySatisfy(m -> assertThat(m).contains("http"));
  }

  @Test
  void schemaRejectsAnAuthorizationPolicyWithAnUnknownAction() {
    Map<String, Object> broken =
        Yamls.loadOne(
            """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: p, namespace: bookinfo}
            spec:
              action: PERMIT
            """);
    assertThat(CrdSchemas.load(CrdSchemas.ISTIO).validate(broken))
        .anySatisfy(m -> assertThat(m).contains("action"));
  }

  @Test
  void schemaRejectsAnUnknownFieldLikeStrictKubectlValidation() {
    Map<String, Object> broken =
        Yamls.loadOne(
            """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: jwt, namespace: bookinfo}
            spec:
              jwtRules:
                - issuer: https://issuer.example
                  forwardOrignalToken: false
            """);
    assertThat(CrdSchemas.load(CrdSchemas.ISTIO).validate(broken))
        .anySatisfy(m -> assertThat(m).contains("forwardOrignalToken"));
  }

  @Test
  void schemaRejectsAVersionTheCrdDoesNotDefine() {
    Map<String, Object> unknownVersion =
        Yamls.loadOne(
            """
            apiVersion: networking.istio.io/v9
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec: {hosts: [reviews]}
            """);
    CrdSchemas crds = CrdSchemas.load(CrdSchemas.ISTIO);
    assertThatThrownBy(() -> crds.validate(unknownVersion))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("v9");
  }

  @Test
  void rendererRefusesKustomizeFeaturesItDoesNotImplement(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            + "kind: Kustomization\n"
            + "namePrefix: x-\n"
            + "resources: []\n");
    assertThatThrownBy(() -> KustomizeTree.render(dir))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("namePrefix");
  }

  @Test
  void rendererRefusesAMissingResource(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("kustomization.yaml"), "resources:\n  - missing.yaml\n");
    assertThatThrownBy(() -> KustomizeTree.render(dir))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("missing.yaml");
  }

  // ------------------------------------------------------------------------ helpers

  private static List<Map<String, Object>> istioDocs(List<Map<String, Object>> docs) {
    return docs.stream()
        .filter(d -> group((String) d.get("apiVersion")).endsWith("istio.io"))
        .toList();
  }

  /** {@code group/version/Kind/namespace/name}, kustomize's notion of a resource's identity. */
  private static String id(Map<String, Object> doc) {
    Map<String, Object> metadata = map(doc, "metadata");
    return doc.get("apiVersion")
        + "/"
        + doc.get("kind")
        + "/"
        + metadata.getOrDefault("namespace", "")
        + "/"
        + metadata.get("name");
  }

  private static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static Map<String, Object> single(List<Map<String, Object>> docs, String kind) {
    List<Map<String, Object>> found =
        docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    assertThat(found).as("rendered documents of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  /** Follows a dotted path of map keys; a missing step yields {@code null}. */
  private static Object at(Map<String, Object> doc, String path) {
    Object current = doc;
    for (String key : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  private static String str(Map<String, Object> doc, String path) {
    Object value = at(doc, path);
    return value == null ? "" : value.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> doc, String path) {
    Object value = at(doc, path);
    assertThat(value).as(path).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> doc, String path) {
    Object value = at(doc, path);
    if (value == null) {
      return List.of();
    }
    assertThat(value).as(path).isInstanceOf(List.class);
    return (List<Map<String, Object>>) value;
  }

  /**
   * Renders a kustomization the way kustomize does for the subset meshgate uses: {@code resources:}
   * entries, each a file (multi-document YAML) or a directory holding its own kustomization,
   * followed recursively. Anything else (patches, generators, name prefixes, remote bases, …) fails
   * the test instead of being ignored, so the rendering that the schema checks run on can never
   * silently differ from what {@code kubectl apply -k} would apply.
   */
  static final class KustomizeTree {
    private static final Set<String> UNDERSTOOD_FIELDS = Set.of("apiVersion", "kind", "resources");
    private static final List<String> FILE_NAMES =
        List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    private KustomizeTree() {}

    static List<Map<String, Object>> render(Path dir) {
      List<Map<String, Object>> docs = render(dir.toAbsolutePath().normalize(), new ArrayDeque<>());
      Set<String> seen = new HashSet<>();
      for (Map<String, Object> doc : docs) {
        if (!seen.add(id(doc))) {
          throw new AssertionError("kustomize would refuse the duplicate resource " + id(doc));
        }
      }
      return docs;
    }

    private static List<Map<String, Object>> render(Path dir, Deque<Path> stack) {
      if (stack.contains(dir)) {
        throw new AssertionError("kustomization cycle: " + stack + " -> " + dir);
      }
      List<Path> files =
          FILE_NAMES.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
      if (files.size() != 1) {
        throw new AssertionError(
            dir + " must hold exactly one of " + FILE_NAMES + ", found " + files);
      }
      Path file = files.get(0);
      Map<String, Object> kustomization = Yamls.loadOne(read(file));
      for (String field : kustomization.keySet()) {
        if (!UNDERSTOOD_FIELDS.contains(field)) {
          throw new AssertionError(
              file
                  + " uses `"
                  + field
                  + "`, which KustomizeTree does not implement: "
                  + "implement it here or keep kubernetes/ to plain resources");
        }
      }
      Object apiVersion =
          kustomization.getOrDefault("apiVersion", "kustomize.config.k8s.io/v1beta1");
      Object kind = kustomization.getOrDefault("kind", "Kustomization");
      if (!"kustomize.config.k8s.io/v1beta1".equals(apiVersion) || !"Kustomization".equals(kind)) {
        throw new AssertionError(file + ": unsupported " + apiVersion + " " + kind);
      }
      Object resources = kustomization.getOrDefault("resources", List.of());
      if (!(resources instanceof List<?> entries)) {
        throw new AssertionError(file + ": resources must be a list");
      }

      stack.push(dir);
      List<Map<String, Object>> docs = new ArrayList<>();
      for (Object entry : entries) {
        if (!(entry instanceof String name) || name.isBlank()) {
          throw new AssertionError(file + ": resource entry " + entry + " is not a path");
        }
        if (name.contains("://") || name.startsWith("git@") || name.startsWith("github.com/")) {
          throw new AssertionError(file + ": remote resource " + name + " is not supported");
        }
        Path target = dir.resolve(name).normalize();
        if (Files.isDirectory(target)) {
          docs.addAll(render(target, stack));
        } else if (Files.isRegularFile(target)) {
          // kustomize's default load restrictor: files must lie inside the kustomization root.
          if (!target.startsWith(dir)) {
            throw new AssertionError(file + ": " + name + " is outside " + dir);
          }
          for (Map<String, Object> doc : Yamls.loadAll(read(target))) {
            if (!(doc.get("apiVersion") instanceof String)
                || !(doc.get("kind") instanceof String)
                || !(at(doc, "metadata.name") instanceof String)) {
              throw new AssertionError(
                  target + ": a document lacks apiVersion, kind or metadata.name");
            }
            if (doc.get("kind").toString().endsWith("List")) {
              throw new AssertionError(target + ": List documents are not supported");
            }
            docs.add(doc);
          }
        } else {
          throw new AssertionError(
              file + ": resource " + name + " does not exist (" + target + ")");
        }
      }
      stack.pop();
      return docs;
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new AssertionError("cannot read " + file, e);
      }
    }
  }
}
