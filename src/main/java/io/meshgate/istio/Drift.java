package io.meshgate.istio;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares the mesh resources applied in a cluster with what the catalog compiles to now, field by
 * field. Resources are matched by API group, kind, namespace and name. What the API server adds to
 * every object ({@code status}, {@code uid}, {@code resourceVersion}, {@code managedFields},
 * kubectl's last-applied annotation, ...) is not compared, nor is the catalog-revision label, which
 * changes with every catalog write even when a resource does not: each resource's applied revision
 * is reported instead. An applied resource that meshgate does not manage (no {@code
 * app.kubernetes.io/managed-by: meshgate} label) is never reported as extra.
 */
public final class Drift {
  /** Metadata the API server writes; never part of what meshgate compiles. */
  private static final Set<String> SERVER_METADATA =
      Set.of(
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "managedFields",
          "selfLink",
          "ownerReferences",
          "finalizers",
          "generateName");

  private static final Set<String> SERVER_ANNOTATIONS =
      Set.of("kubectl.kubernetes.io/last-applied-configuration");

  private Drift() {}

  /** The whole report. {@code inSync} when nothing is missing, extra or different. */
  public record Report(
      long catalogRevision,
      boolean inSync,
      List<ResourceRef> missing,
      List<ResourceRef> extra,
      List<Changed> different,
      int unchanged,
      int ignored) {}

  /**
   * One resource.
   *
   * @param appliedRevision the catalog revision the applied resource says it was compiled from, or
   *     null (missing resources, or no label)
   */
  public record ResourceRef(
      String apiVersion, String kind, String namespace, String name, String appliedRevision) {}

  /** A resource present on both sides whose fields differ. */
  public record Changed(ResourceRef resource, List<FieldChange> fields) {}

  /**
   * One field. {@code change} is {@code missing} (compiled, not applied), {@code extra} (applied,
   * not compiled) or {@code changed}.
   *
   * @param path e.g. {@code spec.http[1].route[0].weight}
   */
  public record FieldChange(String path, String change, Object expected, Object actual) {}

  /**
   * @param expected what the catalog compiles to
   * @param applied the objects read from the cluster (any kinds; only those meshgate manages or
   *     compiles are considered)
   */
  public static Report compare(
      long catalogRevision, List<Map<String, Object>> expected, List<Map<String, Object>> applied) {
    Map<String, Map<String, Object>> wanted = byKey(expected);
    Map<String, Map<String, Object>> found = byKey(applied);
    List<ResourceRef> missing = new ArrayList<>();
    List<ResourceRef> extra = new ArrayList<>();
    List<Changed> different = new ArrayList<>();
    int unchanged = 0;
    int ignored = 0;
    for (Map.Entry<String, Map<String, Object>> e : wanted.entrySet()) {
      Map<String, Object> actual = found.get(e.getKey());
      if (actual == null) {
        missing.add(ref(e.getValue(), null));
        continue;
      }
      List<FieldChange> fields = new ArrayList<>();
      diff("", comparable(e.getValue()), comparable(actual), fields);
      if (fields.isEmpty()) {
        unchanged++;
      } else {
        different.add(new Changed(ref(actual, revision(actual)), fields));
      }
    }
    for (Map.Entry<String, Map<String, Object>> e : found.entrySet()) {
      if (wanted.containsKey(e.getKey())) {
        continue;
      }
      if ("meshgate".equals(labels(e.getValue()).get(MeshManifests.MANAGED_BY))) {
        extra.add(ref(e.getValue(), revision(e.getValue())));
      } else {
        ignored++;
      }
    }
    return new Report(
        catalogRevision,
        missing.isEmpty() && extra.isEmpty() && different.isEmpty(),
        missing,
        extra,
        different,
        unchanged,
        ignored);
  }

  /** The report as JSON: fields absent where they do not apply (no expected value for extra). */
  public static JsonObject json(Report report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("catalogRevision", report.catalogRevision());
    out.put("inSync", report.inSync());
    out.put("missing", report.missing().stream().map(Drift::refMap).toList());
    out.put("extra", report.extra().stream().map(Drift::refMap).toList());
    out.put(
        "different",
        report.different().stream()
            .map(
                c -> {
                  Map<String, Object> m = refMap(c.resource());
                  m.put(
                      "fields",
                      c.fields().stream()
                          .map(
                              f -> {
                                Map<String, Object> field = new LinkedHashMap<>();
                                field.put("path", f.path());
                                field.put("change", f.change());
                                if (f.expected() != null) {
                                  field.put("expected", jsonReady(f.expected()));
                                }
                                if (f.actual() != null) {
                                  field.put("actual", jsonReady(f.actual()));
                                }
                                return field;
                              })
                          .toList());
                  return m;
                })
            .toList());
    out.put("unchanged", report.unchanged());
    out.put("ignored", report.ignored());
    return Json.createObjectBuilder(out).build();
  }

  private static Map<String, Object> refMap(ResourceRef r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", r.apiVersion());
    m.put("kind", r.kind());
    m.put("namespace", r.namespace());
    m.put("name", r.name());
    if (r.appliedRevision() != null) {
      m.put("appliedRevision", r.appliedRevision());
    }
    return m;
  }

  /** The report as lines for a pipeline log; the last line says whether the mesh is in sync. */
  public static String text(Report report) {
    StringBuilder out = new StringBuilder();
    out.append("catalog revision ").append(report.catalogRevision()).append('\n');
    for (ResourceRef r : report.missing()) {
      out.append("missing   ").append(describe(r)).append('\n');
    }
    for (ResourceRef r : report.extra()) {
      out.append("extra     ").append(describe(r)).append('\n');
    }
    for (Changed c : report.different()) {
      out.append("different ").append(describe(c.resource())).append('\n');
      for (FieldChange f : c.fields()) {
        out.append("  ").append(oneLine(f.path())).append(": ");
        switch (f.change()) {
          case "missing" -> out.append("missing, expected ").append(shown(f.expected()));
          case "extra" -> out.append("extra, found ").append(shown(f.actual()));
          default ->
              out.append("expected ")
                  .append(shown(f.expected()))
                  .append(", found ")
                  .append(shown(f.actual()));
        }
        out.append('\n');
      }
    }
    int drifted = report.missing().size() + report.extra().size() + report.different().size();
    out.append(
        report.inSync()
            ? "in sync: " + report.unchanged() + " resources as compiled\n"
            : "drift: " + drifted + " of " + (drifted + report.unchanged()) + " resources\n");
    return out.toString();
  }

  private static String describe(ResourceRef r) {
    String group =
        r.apiVersion().contains("/")
            ? r.apiVersion().substring(0, r.apiVersion().indexOf('/'))
            : "core";
    return oneLine(group)
        + " "
        + oneLine(r.kind())
        + " "
        + oneLine(String.valueOf(r.namespace()))
        + "/"
        + oneLine(r.name())
        + (r.appliedRevision() == null
            ? ""
            : " (applied from revision " + oneLine(r.appliedRevision()) + ")");
  }

  /** Escaped like a JSON string, without its quotes: text from the cluster stays on its line. */
  private static String oneLine(String text) {
    String json = Json.createValue(text).toString();
    return json.substring(1, json.length() - 1);
  }

  private static String shown(Object value) {
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      return Json.createObjectBuilder(Map.of("v", jsonReady(value))).build().get("v").toString();
    }
    return value instanceof String s ? Json.createValue(s).toString() : String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  private static Object jsonReady(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> out.put(k, jsonReady(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(Drift::jsonReady).toList();
    }
    return value;
  }

  private static Map<String, Map<String, Object>> byKey(List<Map<String, Object>> docs) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>(); // in the given order
    for (Map<String, Object> doc : docs) {
      Map<String, Object> metadata = map(doc.get("metadata"));
      String apiVersion = String.valueOf(doc.get("apiVersion"));
      String group =
          apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      out.put(
          group
              + "|"
              + doc.get("kind")
              + "|"
              + metadata.getOrDefault("namespace", "")
              + "|"
              + metadata.get("name"),
          doc);
    }
    return out;
  }

  private static ResourceRef ref(Map<String, Object> doc, String appliedRevision) {
    Map<String, Object> metadata = map(doc.get("metadata"));
    return new ResourceRef(
        String.valueOf(doc.get("apiVersion")),
        String.valueOf(doc.get("kind")),
        metadata.get("namespace") == null ? null : String.valueOf(metadata.get("namespace")),
        String.valueOf(metadata.get("name")),
        appliedRevision);
  }

  private static String revision(Map<String, Object> doc) {
    Object value = labels(doc).get(MeshManifests.REVISION_LABEL);
    return value == null ? null : value.toString();
  }

  private static Map<String, Object> labels(Map<String, Object> doc) {
    return map(map(doc.get("metadata")).get("labels"));
  }

  /** The object without what the API server adds and without the revision label. */
  private static Map<String, Object> comparable(Map<String, Object> doc) {
    Map<String, Object> copy = new LinkedHashMap<>(doc);
    copy.remove("status");
    Map<String, Object> metadata = new LinkedHashMap<>(map(doc.get("metadata")));
    SERVER_METADATA.forEach(metadata::remove);
    Map<String, Object> labels = new LinkedHashMap<>(map(metadata.get("labels")));
    labels.remove(MeshManifests.REVISION_LABEL);
    putOrDrop(metadata, "labels", labels);
    Map<String, Object> annotations = new LinkedHashMap<>(map(metadata.get("annotations")));
    SERVER_ANNOTATIONS.forEach(annotations::remove);
    putOrDrop(metadata, "annotations", annotations);
    copy.put("metadata", metadata);
    return copy;
  }

  private static void putOrDrop(Map<String, Object> into, String key, Map<String, Object> value) {
    if (value.isEmpty()) {
      into.remove(key);
    } else {
      into.put(key, value);
    }
  }

  private static void diff(String path, Object expected, Object actual, List<FieldChange> out) {
    if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
      Set<String> keys = new TreeSet<>();
      e.keySet().forEach(k -> keys.add(String.valueOf(k)));
      a.keySet().forEach(k -> keys.add(String.valueOf(k)));
      // Expected order first, so the report reads like the resource.
      List<String> ordered = new ArrayList<>();
      e.keySet().forEach(k -> ordered.add(String.valueOf(k)));
      keys.stream().filter(k -> !e.containsKey(k)).forEach(ordered::add);
      for (String key : ordered) {
        String at = path.isEmpty() ? key : path + "." + key;
        boolean inE = e.containsKey(key);
        boolean inA = a.containsKey(key);
        if (inE && !inA) {
          out.add(new FieldChange(at, "missing", e.get(key), null));
        } else if (!inE && inA) {
          out.add(new FieldChange(at, "extra", null, a.get(key)));
        } else {
          diff(at, e.get(key), a.get(key), out);
        }
      }
      return;
    }
    if (expected instanceof List<?> e && actual instanceof List<?> a) {
      for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
        String at = path + "[" + i + "]";
        if (i >= a.size()) {
          out.add(new FieldChange(at, "missing", e.get(i), null));
        } else if (i >= e.size()) {
          out.add(new FieldChange(at, "extra", null, a.get(i)));
        } else {
          diff(at, e.get(i), a.get(i), out);
        }
      }
      return;
    }
    if (!same(expected, actual)) {
      out.add(new FieldChange(path, "changed", expected, actual));
    }
  }

  /** Equal values; numbers by value, whatever their Java type (YAML reads 90 as an Integer). */
  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    return Objects.equals(a, b);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
