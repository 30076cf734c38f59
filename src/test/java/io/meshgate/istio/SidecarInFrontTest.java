package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped deployment keeps Envoy (the Istio sidecar) in front of the data port: some HTTP
 * framing errors and slow request heads are refused only there (README, "Limits that remain"), so
 * the sidecar must be injected and no inbound port may bypass it.
 */
class SidecarInFrontTest {
  private static final Path BASE = Path.of("kubernetes", "base");

  @Test
  void theGatewayNamespaceGetsASidecar() throws IOException {
    Map<String, Object> labels = child(load("namespace.yaml"), "metadata", "labels");
    assertThat(labels).containsEntry("istio-injection", "enabled");
  }

  @Test
  void noInboundTrafficBypassesTheSidecar() throws IOException {
    Map<String, Object> template = child(load("deployment.yaml"), "spec", "template");
    Map<String, Object> annotations = child(template, "metadata", "annotations");
    Map<String, Object> labels = child(template, "metadata", "labels");
    assertThat(annotations)
        .doesNotContainKeys(
            "sidecar.istio.io/inject",
            "traffic.sidecar.istio.io/excludeInboundPorts",
            "traffic.sidecar.istio.io/includeInboundPorts");
    assertThat(labels).doesNotContainEntry("sidecar.istio.io/inject", "false");
    assertThat(child(template, "spec")).doesNotContainEntry("hostNetwork", true);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> node, String... path) {
    Map<String, Object> current = node;
    for (String key : path) {
      Object next = current.get(key);
      current = next == null ? Map.of() : (Map<String, Object>) next;
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load(String file) throws IOException {
    try (Reader r = Files.newBufferedReader(BASE.resolve(file))) {
      for (Object doc : new Yaml().loadAll(r)) {
        if (doc instanceof Map<?, ?> m) {
          return (Map<String, Object>) m;
        }
      }
    }
    throw new AssertionError("No YAML document in " + file);
  }
}
