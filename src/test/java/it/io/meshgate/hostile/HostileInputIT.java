package it.io.meshgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.token.JwksServer;
import it.io.meshgate.hostile.Input.Port;
import it.io.meshgate.hostile.RawConnection.Response;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.BadTokenCatalogues;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input suite (issue 14, point 7): tables of deterministic bad inputs, sent on raw
 * sockets to the shared gateway's two ports, each with its exact expected outcome (status,
 * errorKey, what reached the stub upstream), none allowed a 500 or to go unanswered within {@link
 * #DEADLINE_MS}. No input may change anything through the admin API: the audit log, which records
 * every admin write, has as many entries after each table as before. Prints how many inputs it sent
 * and writes every outcome to {@code target/hostile-inputs-<db>.txt}.
 */
class HostileInputIT extends OnManagedGateway {
  /** Per input: longer than any answer takes, far shorter than a hang. */
  static final int DEADLINE_MS = 10_000;

  private static final Gateways gw = Gateways.get();
  private static final Markers markers = new Markers();
  private static final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
  private static int sent;

  /** A well-formed admin token no key of the gateway signed: 401 ADMIN_TOKEN_INVALID. */
  static final String FORGED_ADMIN_TOKEN =
      "eyJhbGciOiJFUzI1NiIsImtpZCI6ImZvcmdlZCIsInR5cCI6ImF0K2p3dCJ9"
          + ".eyJpc3MiOiJodHRwczovL21lc2hnYXRlLml0LmV4YW1wbGUiLCJncm91cHMiOlsibWVzaGdhdGUtYWRtaW4iXX0"
          + ".c2lnbmF0dXJlLW9mLW5vLWtleS1vZi10aGUtZ2F0ZXdheS1zaWduYXR1cmUtb2Ytbm8ta2V5LW9mLXRoZS1nYXRld2F5";

  @Test
  void pathSpellingsOnBothPorts() {
    List<Input> inputs = PathSpellings.all(markers, FORGED_ADMIN_TOKEN);
    assertThat(inputs.stream().filter(i -> i.port() == Port.DATA)).hasSizeGreaterThanOrEqualTo(100);
    assertThat(inputs.stream().filter(i -> i.port() == Port.ADMIN))
        .hasSizeGreaterThanOrEqualTo(100);
    run(inputs);
  }

  @Test
  void spoofedHeaders() {
    run(HeaderSpoofs.all(markers));
  }

  @Test
  void credentialsAndTokens() {
    try (JwksServer trap = new JwksServer()) {
      run(
          Credentials.all(
              markers,
              BadTokenCatalogues.oauth(trap.base()).all(),
              BadTokenCatalogues.admin(trap.base()).all()));
      assertThat(trap.requests()).as("requests to the jku / x5u server").isZero();
    }
  }

  @Test
  void framingAndSmuggling() {
    run(FramingVectors.all(markers));
  }

  @Test
  void adminBodies() {
    run(AdminBodies.all(markers, AdminClient.token()));
  }

  @AfterAll
  static void report() throws IOException {
    Path file = Path.of("target", "hostile-inputs-" + gw.db() + ".txt");
    Files.createDirectories(file.getParent());
    Files.write(file, outcomes);
    System.out.println(
        "HostileInputIT: sent " + sent + " hostile inputs (" + gw.db() + "); outcomes in " + file);
    assertThat(sent).as("hostile inputs sent in this run").isGreaterThanOrEqualTo(2000);
  }

  private void run(List<Input> inputs) {
    long auditBefore = auditEntries();
    List<String> wrong = new ArrayList<>();
    Map<Port, RawConnection> connections = new EnumMap<>(Port.class);
    try {
      for (Input input : inputs) {
        RawConnection connection =
            input.fresh() ? connect(input.port()) : reuse(connections, input.port());
        Response response = connection.exchange(input.bytes(), input.head());
        // On its own connection the answer must end the connection: nothing after the vector may
        // be read as a request (a second answer, or a connection still open, is wrong).
        Response after = input.fresh() ? connection.read(false) : Response.CLOSED;
        if (input.fresh()) {
          connection.close();
        }
        sent++;
        String why =
            after == Response.CLOSED
                ? judge(input, response)
                : "the connection went on after the answer: " + after;
        String line =
            (why == null ? "OK    " : "WRONG ")
                + input.table()
                + " | "
                + input.name()
                + " | expected "
                + input.expected()
                + " | got "
                + response
                + (why == null ? "" : " | " + why);
        outcomes.add(line);
        if (why != null) {
          wrong.add(line);
        }
      }
    } finally {
      connections.values().forEach(RawConnection::close);
    }
    assertThat(wrong).as("wrong outcomes of " + inputs.size() + " inputs").isEmpty();
    assertThat(auditEntries()).as("audit entries: no admin write happened").isEqualTo(auditBefore);
  }

  /** Why the outcome is wrong, or null when it is exactly the expected one. */
  private static String judge(Input input, Response response) {
    Expected expected = input.expected();
    List<StubUpstream.Received> received = gw.upstream().requestsContaining(input.marker());
    if (response.timedOut()) {
      return "no answer within " + DEADLINE_MS + " ms";
    }
    if (response.status() >= 500) {
      return "server error: " + response.body();
    }
    if (response.status() != expected.status()
        || !response.errorKey().equals(expected.errorKey())) {
      return "wrong answer: " + shortened(response.body());
    }
    if (expected.forwarded() == null) {
      return received.isEmpty()
          ? null
          : "reached the upstream: " + received.get(0).rawPathAndQuery();
    }
    if (received.size() != 1) {
      return "the upstream received it " + received.size() + " times";
    }
    if (!received.get(0).rawPathAndQuery().equals(expected.forwarded())) {
      return "the upstream received " + received.get(0).rawPathAndQuery();
    }
    return input.check() == null ? null : input.check().apply(received.get(0));
  }

  private static String shortened(String body) {
    return body.length() <= 300 ? body : body.substring(0, 300) + "...";
  }

  private static RawConnection reuse(Map<Port, RawConnection> connections, Port port) {
    RawConnection c = connections.get(port);
    if (c == null || !c.isOpen()) {
      c = connect(port);
      connections.put(port, c);
    }
    return c;
  }

  private static RawConnection connect(Port port) {
    try {
      return new RawConnection(
          port == Port.DATA ? gw.server().port() : gw.server().adminPort(), DEADLINE_MS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long auditEntries() {
    String body = AdminClient.send("GET", "/admin/v1/audit?size=1", null).body();
    return Json.createReader(new StringReader(body))
        .readObject()
        .getJsonNumber("total")
        .longValue();
  }
}
