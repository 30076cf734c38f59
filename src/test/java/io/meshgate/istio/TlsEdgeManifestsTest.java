package io.meshgate.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.testing.Executables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code kubernetes/tls-edge/}: the HTTPS port, the mounted TLS secrets and the Service agree with
 * each other and with what the gateway reads (one directory of {@code tls.crt} + {@code tls.key}
 * per secret, the default certificate among them), and kubectl renders it when present.
 */
class TlsEdgeManifestsTest {
  private static final Path DIR =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
          .resolve("kubernetes/tls-edge");

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, Object... path) {
    Object o = node;
    for (Object p : path) {
      o = p instanceof Integer i ? ((List<Object>) o).get(i) : ((Map<String, Object>) o).get(p);
    }
    return (T) o;
  }

  @Test
  @SuppressWarnings("unchecked")
  void theMountedSecretsTheHttpsPortAndTheServiceAgree() throws IOException {
    Map<String, Object> deployment =
        Yamls.loadOne(Files.readString(DIR.resolve("deployment-tls.yaml")));
    Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", 0);
    Map<String, String> env =
        ((List<Map<String, Object>>) container.get("env"))
            .stream()
                .collect(
                    Collectors.toMap(e -> (String) e.get("name"), e -> (String) e.get("value")));
    Map<String, Object> port = at(container, "ports", 0);
    assertThat(port.get("name")).isEqualTo("https");
    assertThat(env.get("HTTPS_PORT")).isEqualTo(String.valueOf(port.get("containerPort")));
    String certDir = env.get("MESHGATE_TLS_CERT_DIR");
    assertThat(at(container, "volumeMounts", 0, "mountPath").toString()).isEqualTo(certDir);

    List<Map<String, Object>> sources =
        at(deployment, "spec", "template", "spec", "volumes", 0, "projected", "sources");
    List<String> dirs = new ArrayList<>();
    for (Map<String, Object> source : sources) {
      List<Map<String, Object>> items = at(source, "secret", "items");
      List<String> paths = items.stream().map(i -> (String) i.get("path")).toList();
      String dir = paths.get(0).substring(0, paths.get(0).indexOf('/'));
      assertThat(paths).containsExactlyInAnyOrder(dir + "/tls.crt", dir + "/tls.key");
      assertThat(items)
          .extracting(i -> i.get("key"))
          .containsExactlyInAnyOrder("tls.crt", "tls.key");
      dirs.add(dir);
    }
    assertThat(dirs).doesNotHaveDuplicates().contains(env.get("MESHGATE_TLS_DEFAULT_CERT"));

    Map<String, Object> service =
        Yamls.loadOne(Files.readString(DIR.resolve("service-https.yaml")));
    assertThat(at(service, "spec", "ports", 0, "targetPort").toString()).isEqualTo("https");
    assertThat(at(service, "spec", "ports", 0, "appProtocol").toString()).isEqualTo("https");
  }

  @Test
  void kubectlRendersTheOverlay() throws Exception {
    Optional<Path> kubectl = Executables.onPath("kubectl");
    org.junit.jupiter.api.Assumptions.assumeTrue(kubectl.isPresent(), "kubectl on PATH");
    Process p =
        new ProcessBuilder(kubectl.get().toString(), "kustomize", DIR.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("name: meshgate-https")
        .contains("path: api/tls.crt")
        .contains("mountPath: /etc/meshgate/tls");
  }
}
