package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/** YAML read the way kubectl reads it (YAML 1.1 scalars, no duplicate keys, no timestamps). */
final class Yamls {
  private Yamls() {}

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit(8 * 1024 * 1024); // the CRD bundle is ~1 MB
    // Kubernetes' YAML reader keeps "2026-01-01" a string; SnakeYAML would make it a Date.
    Resolver noTimestamps =
        new Resolver() {
          @Override
          protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.INT, INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
          }
        };
    DumperOptions dumper = new DumperOptions();
    return new Yaml(
        new SafeConstructor(options), new Representer(dumper), dumper, options, noTimestamps);
  }

  /** Every non-empty document of a multi-document stream; each must be a mapping. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> loadAll(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : yaml().loadAll(text)) {
      if (doc == null) {
        continue; // an empty document (only comments, or a stray ---), as kubectl skips it
      }
      assertThat(doc).as("a YAML document").isInstanceOf(Map.class);
      docs.add((Map<String, Object>) doc);
    }
    return docs;
  }

  static Map<String, Object> loadOne(String text) {
    List<Map<String, Object>> docs = loadAll(text);
    assertThat(docs).hasSize(1);
    return docs.get(0);
  }
}
