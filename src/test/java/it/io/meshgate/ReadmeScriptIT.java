package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;

/** The README's "Manage the catalog" script runs as printed and prints what the README says. */
class ReadmeScriptIT extends OnManagedGateway {

  @ArquillianResource private URL base;

  @Test
  void manageTheCatalogScriptRunsAsPrinted() throws Exception {
    Path script = Files.createTempFile("manage-the-catalog", ".sh");
    Files.writeString(script, scriptFromReadme());
    Path trace = Files.createTempFile("manage-the-catalog", ".trace");
    // The trace (bash -x, on stderr) says which command failed; it stays out of the output.
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-x", script.toString()).redirectError(trace.toFile());
    Map<String, String> env = pb.environment();
    env.put("ADMIN", "http://127.0.0.1:" + ManagedGateway.server().adminPort());
    env.put("GATEWAY", "http://127.0.0.1:" + base.getPort());
    env.put("UPSTREAM", "http://127.0.0.1:" + base.getPort() + "/__meshgate/echo");
    env.put("MESHGATE_ADMIN_CLIENT_ID", Gateways.ADMIN_CLIENT_ID);
    env.put("MESHGATE_ADMIN_CLIENT_SECRET", Gateways.ADMIN_CLIENT_SECRET);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(() -> diagnosis(output, trace)).isZero();

    List<String> lines = output.lines().toList();
    assertThat(lines).as(output).hasSize(8);
    assertThat(lines.subList(0, 4))
        .containsExactly("pending:   403", "approved:  200", "suspended: 403", "revoked:   401");
    assertThat(lines.subList(4, 8))
        .allSatisfy(l -> assertThat(l).contains(" " + Gateways.ADMIN_CLIENT_ID + " subscription."));
    assertThat(lines.get(4)).endsWith("subscription.resume");
    assertThat(lines.get(7)).endsWith("subscription.create");
  }

  private static String diagnosis(String output, Path trace) {
    try {
      String log = ManagedGateway.server().messages();
      return "output:\n"
          + output
          + "\ntrace:\n"
          + Files.readString(trace)
          + "\nserver log (end):\n"
          + log.substring(Math.max(0, log.length() - 6000));
    } catch (IOException e) {
      return output + "\n(trace unreadable: " + e + ")";
    }
  }

  /** The first bash block after the "Manage the catalog" heading. */
  private static String scriptFromReadme() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("## Manage the catalog");
    int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
    int end = readme.indexOf("\n```", start);
    assertThat(section).isPositive();
    return readme.substring(start, end + 1);
  }
}
