package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.istio.Drift.FieldChange;
import io.meshgate.istio.Drift.ResourceRef;
import io.meshgate.istio.MeshManifests.Routing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drift report names exactly what differs between the cluster and the catalog. */
class DriftTest {

  private static List<Map<String, Object>> compiled() {
    return MeshManifests.compile(
        List.of(MeshManifestsTest.canary()), MeshManifestsTest.settings(Routing.ISTIO));
  }

  /** What kubectl get -o yaml prints: the compiled text read back, with server-added fields. */
  private static List<Map<String, Object>> asApplied(List<Map<String, Object>> docs, String rev) {
    List<Map<String, Object>> out = ManifestText.read(ManifestText.yaml(docs));
    for (Map<String, Object> doc : out) {
      Map<String, Object> metadata = map(doc, "metadata");
      metadata.put("uid", "0b9c3c5e-1d2f-4d7e-9a43-0c2f4f1c7e11");
      metadata.put("resourceVersion", "812733");
      metadata.put("generation", 3);
      metadata.put("creationTimestamp", "2026-12-01T10:00:00Z");
      map(metadata, "labels").put(MeshManifests.REVISION_LABEL, rev);
      map(metadata, "annotations")
          .put("kubectl.kubernetes.io/last-applied-configuration", "{\"apiVersion\":\"...\"}");
      doc.put("status", Map.of("observedGeneration", 3));
    }
    return out;
  }

  @Test
  void whatWasAppliedFromTheCompiledResourcesIsInSync() {
    Drift.Report report = Drift.compare(42, compiled(), asApplied(compiled(), "41"));
    assertThat(report.inSync()).isTrue();
    assertThat(report.unchanged()).isEqualTo(5);
    assertThat(Drift.text(report))
        .isEqualTo("catalog revision 42\nin sync: 5 resources as compiled\n");
  }

  @Test
  void aChangedWeightAnExtraRuleAndAMissingSubsetAreReportedExactly() {
    List<Map<String, Object>> applied = asApplied(compiled(), "41");
    Map<String, Object> virtualService = find(applied, "VirtualService", "meshgate-catalogue");
    Map<String, Object> canaryV2 =
        list(list(map(virtualService, "spec"), "http").get(1), "route").get(0);
    canaryV2.put("weight", 80);
    Map<String, Object> allow = find(applied, "AuthorizationPolicy", "meshgate-catalogue");
    Map<String, Object> open = new LinkedHashMap<>();
    open.put("from", List.of(Map.of("source", Map.of("namespaces", List.of("shop")))));
    List<Map<String, Object>> rules = new ArrayList<>(list(map(allow, "spec"), "rules"));
    rules.add(open);
    map(allow, "spec").put("rules", rules);
    Map<String, Object> destinationRule = find(applied, "DestinationRule", "meshgate-catalogue");
    List<Map<String, Object>> subsets =
        new ArrayList<>(list(map(destinationRule, "spec"), "subsets"));
    Map<String, Object> v2 = subsets.remove(1);
    map(destinationRule, "spec").put("subsets", subsets);
    // Not managed by meshgate: never reported. Managed but no longer compiled: extra.
    Map<String, Object> foreign = asApplied(compiled(), "41").get(0);
    map(foreign, "metadata").put("name", "team-owned");
    map(map(foreign, "metadata"), "labels").remove(MeshManifests.MANAGED_BY);
    applied.add(foreign);
    Map<String, Object> stale = asApplied(compiled(), "17").get(4);
    map(stale, "metadata").put("name", "meshgate-old-catalogue");
    applied.add(stale);

    Drift.Report report = Drift.compare(42, compiled(), applied);

    assertThat(report.inSync()).isFalse();
    assertThat(report.missing()).isEmpty();
    assertThat(report.extra())
        .containsExactly(
            new ResourceRef(
                "networking.istio.io/v1",
                "VirtualService",
                "shop",
                "meshgate-old-catalogue",
                "17"));
    assertThat(report.ignored()).isEqualTo(1);
    assertThat(report.unchanged()).isEqualTo(2);
    assertThat(report.different())
        .containsExactly(
            new Drift.Changed(
                new ResourceRef(
                    "security.istio.io/v1",
                    "AuthorizationPolicy",
                    "shop",
                    "meshgate-catalogue",
                    "41"),
                List.of(new FieldChange("spec.rules[3]", "extra", null, open))),
            new Drift.Changed(
                new ResourceRef(
                    "networking.istio.io/v1",
                    "DestinationRule",
                    "shop",
                    "meshgate-catalogue",
                    "41"),
                List.of(new FieldChange("spec.subsets[1]", "missing", v2, null))),
            new Drift.Changed(
                new ResourceRef(
                    "networking.istio.io/v1", "VirtualService", "shop", "meshgate-catalogue", "41"),
                List.of(new FieldChange("spec.http[1].route[0].weight", "changed", 90, 80))));
    assertThat(Drift.text(report))
        .isEqualTo(
            """
            catalog revision 42
            extra     networking.istio.io VirtualService shop/meshgate-old-catalogue (applied from revision 17)
            different security.istio.io AuthorizationPolicy shop/meshgate-catalogue (applied from revision 41)
              spec.rules[3]: extra, found {"from":[{"source":{"namespaces":["shop"]}}]}
            different networking.istio.io DestinationRule shop/meshgate-catalogue (applied from revision 41)
              spec.subsets[1]: missing, expected {"name":"v2","labels":{"app.kubernetes.io/version":"v2"}}
            different networking.istio.io VirtualService shop/meshgate-catalogue (applied from revision 41)
              spec.http[1].route[0].weight: expected 90, found 80
            drift: 4 of 6 resources
            """);
    assertThat(Drift.json(report).getJsonArray("different").getJsonObject(2).toString())
        .isEqualTo(
            "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"VirtualService\","
                + "\"namespace\":\"shop\",\"name\":\"meshgate-catalogue\",\"appliedRevision\":\"41\","
                + "\"fields\":[{\"path\":\"spec.http[1].route[0].weight\",\"change\":\"changed\","
                + "\"expected\":90,\"actual\":80}]}");
  }

  @Test
  void aResourceNotAppliedIsMissing() {
    List<Map<String, Object>> applied = asApplied(compiled(), "42");
    applied.remove(2); // the DENY policy
    Drift.Report report = Drift.compare(42, compiled(), applied);
    assertThat(report.missing())
        .containsExactly(
            new ResourceRef(
                "security.istio.io/v1",
                "AuthorizationPolicy",
                "shop",
                "meshgate-catalogue-operations",
                null));
    assertThat(report.different()).isEmpty();
  }

  private static Map<String, Object> find(
      List<Map<String, Object>> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> kind.equals(d.get("kind")) && name.equals(map(d, "metadata").get("name")))
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> doc, String key) {
    return (Map<String, Object>) doc.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> doc, String key) {
    return (List<Map<String, Object>>) doc.get(key);
  }
}
