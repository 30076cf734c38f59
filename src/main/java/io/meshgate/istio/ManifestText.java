package io.meshgate.istio;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Kubernetes documents as text: multi-document YAML (what {@code kubectl apply -f -} and {@code
 * kubectl get -o yaml} speak) and a JSON {@code List}. Reading accepts only plain YAML data (no
 * tags that build objects, no more aliases than a manifest needs, a bounded size), since the drift
 * report reads YAML from callers.
 */
public final class ManifestText {
  /** The largest YAML text read, in characters. */
  public static final int MAX_CHARS = 2_000_000;

  private ManifestText() {}

  /** The documents as multi-document YAML, block style, in the order given. */
  public static String yaml(List<Map<String, Object>> documents) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setExplicitStart(true);
    options.setWidth(100);
    options.setSplitLines(false);
    Yaml yaml = new Yaml(new Representer(options), options);
    return documents.isEmpty() ? "" : yaml.dumpAll(documents.iterator());
  }

  /** The documents as a Kubernetes {@code v1 List}, which kubectl applies item by item. */
  public static JsonObject json(List<Map<String, Object>> documents) {
    JsonArrayBuilder items = Json.createArrayBuilder();
    for (Map<String, Object> doc : documents) {
      items.add(Json.createObjectBuilder(doc));
    }
    return Json.createObjectBuilder()
        .add("apiVersion", "v1")
        .add("kind", "List")
        .add("items", items)
        .build();
  }

  /**
   * The objects in a YAML or JSON text: every document, with the items of a {@code List} (as {@code
   * kubectl get -o yaml} prints several objects) taken out of it; empty documents skipped.
   *
   * @throws IllegalArgumentException with a message that says what is wrong and where
   */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> read(String text) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("is longer than " + MAX_CHARS + " characters");
    }
    LoaderOptions options = new LoaderOptions();
    // kubectl never writes aliases; one that repeats a collection can expand a few bytes into
    // billions of nodes, or point at itself.
    options.setMaxAliasesForCollections(0);
    options.setAllowDuplicateKeys(false);
    options.setNestingDepthLimit(64);
    options.setCodePointLimit(MAX_CHARS * 2);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    List<Map<String, Object>> out = new ArrayList<>();
    int index = 0;
    try {
      for (Object doc : yaml.loadAll(text)) {
        index++;
        if (doc == null) {
          continue;
        }
        if (!(doc instanceof Map<?, ?> map)) {
          throw new IllegalArgumentException("document " + index + " is not a YAML mapping");
        }
        Map<String, Object> object = (Map<String, Object>) map;
        if ("List".equals(object.get("kind")) && object.get("items") instanceof List<?> items) {
          for (Object item : items) {
            if (!(item instanceof Map<?, ?>)) {
              throw new IllegalArgumentException(
                  "document " + index + ": an item of the List is not a mapping");
            }
            out.add((Map<String, Object>) item);
          }
        } else {
          out.add(object);
        }
      }
    } catch (org.yaml.snakeyaml.error.YAMLException | ClassCastException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException(
          "is not valid YAML (document " + Math.max(index, 1) + "): " + firstLines(message));
    }
    int[] budget = {MAX_NODES};
    List<Map<String, Object>> plain = new ArrayList<>(out.size());
    for (int i = 0; i < out.size(); i++) {
      plain.add((Map<String, Object>) plain(out.get(i), "object " + (i + 1), budget));
    }
    return plain;
  }

  /** The most nodes (mappings, sequences and scalars) a text may hold. */
  public static final int MAX_NODES = 200_000;

  /**
   * The value as plain JSON data: string keys, and strings, whole numbers that fit a long, finite
   * decimals, booleans and nulls; a YAML timestamp becomes its ISO-8601 text.
   */
  private static Object plain(Object value, String at, int[] budget) {
    if (--budget[0] < 0) {
      throw new IllegalArgumentException("holds more than " + MAX_NODES + " values");
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("has a key that is not a string at " + at);
        }
        out.put(key, plain(e.getValue(), at + "." + key, budget));
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        out.add(plain(list.get(i), at + "[" + i + "]", budget));
      }
      return out;
    }
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long) {
      return value;
    }
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("has a number that is not finite at " + at);
      }
      return d;
    }
    if (value instanceof java.util.Date date) {
      return date.toInstant().toString();
    }
    if (value instanceof java.math.BigInteger) {
      throw new IllegalArgumentException("has a number too large at " + at);
    }
    throw new IllegalArgumentException("has a value that is not JSON data at " + at);
  }

  private static String firstLines(String message) {
    String[] lines = message.split("\n");
    return String.join(" ", java.util.Arrays.copyOf(lines, Math.min(lines.length, 4))).trim();
  }
}
