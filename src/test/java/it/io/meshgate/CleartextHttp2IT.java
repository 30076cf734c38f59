package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both listeners speak HTTP/1.1 only ({@code protocolVersion="http/1.1"}): an upgrade to cleartext
 * HTTP/2 is ignored and the request answered over HTTP/1.1. Liberty 26.0.0.3 with h2c on failed
 * upgraded requests with NullPointerExceptions in its own HTTP/2 code ("scheme" is null, "this.isc"
 * is null), logged as errors per request, and 200 concurrent upgrades hung connections; and every
 * framing rule of the edge is written for HTTP/1.1.
 */
class CleartextHttp2IT extends OnManagedGateway {
  private static final String UPGRADE =
      "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /orders/h2c HTTP/1.1\r\nHost: x\r\nX-API-Key: other-key\r\n",
        "POST /orders/h2c HTTP/1.1\r\nHost: x\r\nX-API-Key: other-key\r\nContent-Length: 0\r\n",
        "GET /health/ready HTTP/1.1\r\nHost: x\r\n",
        "GET /nothing HTTP/1.1\r\nHost: x\r\n"
      })
  void anUpgradeToCleartextHttp2IsAnsweredOverHttp11OnTheDataPort(String head) throws IOException {
    String answer = statusLine(ManagedGateway.server().port(), head + UPGRADE + "\r\n");
    assertThat(answer).startsWith("HTTP/1.1 ").doesNotContain("101");
  }

  @Test
  void anUpgradeToCleartextHttp2IsAnsweredOverHttp11OnTheAdminPort() throws IOException {
    String answer =
        statusLine(
            ManagedGateway.server().adminPort(),
            "GET /admin/v1/apps HTTP/1.1\r\nHost: x\r\n" + UPGRADE + "\r\n");
    assertThat(answer).startsWith("HTTP/1.1 401");
  }

  /** The HTTP/2 connection preface gets no HTTP/2 SETTINGS frame back: HTTP/2 is not spoken. */
  @Test
  void theHttp2PrefaceIsNotAnsweredInHttp2() throws IOException {
    String answer = statusLine(ManagedGateway.server().port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    assertThat(answer).startsWith("HTTP/");
  }

  /** The JDK's client offers h2c on every new cleartext connection; each is answered. */
  @Test
  void twoHundredConcurrentClientsOfferingHttp2AreAllAnsweredOverHttp11() throws Exception {
    URI uri = ManagedGateway.server().uri("/orders/h2c-many");
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    List<HttpClient> clients = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      // One client per call: the upgrade is offered once per connection.
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_2)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      clients.add(client);
      calls.add(
          client.sendAsync(
              HttpRequest.newBuilder(uri)
                  .header("X-API-Key", "other-key")
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> r = call.get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
    assertThat(ManagedGateway.server().messages())
        .doesNotContain("handleHTTP2UpgradeRequest")
        .doesNotContain("because \"scheme\" is null");
  }

  /** Sends {@code request} and returns what came back up to the end of the status line. */
  private static String statusLine(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      try {
        for (int b; (b = in.read()) != -1 && b != '\n'; ) {
          answer.write(b);
        }
      } catch (SocketTimeoutException e) {
        // nothing more within 10 s: what came is the answer
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
