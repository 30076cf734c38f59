package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.testing.TestPki;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.HttpsStub;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.ServedApi;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * TLS towards upstreams outside the mesh (issue 17): a replica trusts one test CA for its upstreams
 * and presents a client certificate; HTTPS upstreams with certificates from that CA, from an
 * unknown CA, for another host name, expired, and one that requires the client certificate.
 * Certificates are made at test time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpstreamTlsIT extends OnManagedGateway {
  private static Path dir;
  private static TestPki.Ca trusted;
  private static TestPki.Ca unknown;
  private static HttpsStub good;
  private static HttpsStub stranger;
  private static HttpsStub wrongHost;
  private static HttpsStub expired;
  private static HttpsStub mutual;
  private static ServedApi goodApi;
  private static ServedApi strangerApi;
  private static ServedApi wrongHostApi;
  private static ServedApi expiredApi;
  private static ServedApi mutualApi;
  private static LibertyServer replica;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("meshgate-upstream-tls");
    trusted = TestPki.ca("meshgate test upstream CA").writeTo(dir, "ca");
    unknown = TestPki.ca("some other CA");
    trusted.issue("meshgate-gateway").writeTo(dir, "client");
    good = HttpsStub.start(trusted.issue("upstream", "127.0.0.1", "localhost"), null);
    stranger = HttpsStub.start(unknown.issue("upstream", "127.0.0.1"), null);
    wrongHost = HttpsStub.start(trusted.issue("upstream", "elsewhere.example"), null);
    expired =
        HttpsStub.start(
            trusted.issue(
                "upstream",
                Instant.now().minus(Duration.ofHours(3)),
                Duration.ofHours(1),
                "127.0.0.1"),
            null);
    mutual = HttpsStub.start(trusted.issue("upstream", "127.0.0.1"), trusted.cert());
    goodApi = ServedApi.create("tls-good", good.baseUrl() + "/x");
    strangerApi = ServedApi.create("tls-stranger", stranger.baseUrl() + "/x");
    wrongHostApi = ServedApi.create("tls-host", wrongHost.baseUrl() + "/x");
    expiredApi = ServedApi.create("tls-expired", expired.baseUrl() + "/x");
    mutualApi = ServedApi.create("tls-mutual", mutual.baseUrl() + "/x");
    replica =
        Gateways.get()
            .newReplica(
                "upstream-tls",
                Map.of(
                    "MESHGATE_UPSTREAM_CA_FILE", dir.resolve("ca.crt").toString(),
                    "MESHGATE_UPSTREAM_CLIENT_CERT_FILE", dir.resolve("client.crt").toString(),
                    "MESHGATE_UPSTREAM_CLIENT_KEY_FILE", dir.resolve("client.key").toString(),
                    "MESHGATE_UPSTREAM_TLS_RELOAD_SECONDS", "1"))
            .start();
  }

  @AfterAll
  static void stop() {
    if (replica != null) {
      replica.stop();
    }
    for (HttpsStub s : new HttpsStub[] {good, stranger, wrongHost, expired, mutual}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static HttpResponse<String> call(ServedApi api) {
    return Http.get(replica.uri(api.basePath() + "/item"), "X-API-Key", api.key());
  }

  private static void assertRefused(HttpResponse<String> r, String errorKey, String detail) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = Json.createReader(new StringReader(r.body())).readObject();
    assertThat(problem.getString("errorKey")).isEqualTo(errorKey);
    assertThat(problem.getString("detail")).contains(detail);
    assertThat(r.body()).doesNotContain("127.0.0.1").doesNotContain("elsewhere.example");
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @Order(1)
  void anUpstreamWithACertificateFromTheConfiguredCaIsReached() {
    HttpResponse<String> r = call(goodApi);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("client=none"); // it did not ask for a client certificate
  }

  @Test
  @Order(2)
  void anUpstreamThatRequiresAClientCertificateAcceptsTheGateways() {
    HttpResponse<String> r = call(mutualApi);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("client=CN=meshgate-gateway");
  }

  @Test
  @Order(3)
  void aCertificateFromAnUnknownCaIsRefusedWith502() {
    assertRefused(call(strangerApi), "UPSTREAM_TLS_UNTRUSTED", "not issued by a CA");
  }

  @Test
  @Order(4)
  void aCertificateForAnotherHostIsRefusedWith502() {
    assertRefused(call(wrongHostApi), "UPSTREAM_TLS_HOSTNAME_MISMATCH", "does not name its host");
  }

  @Test
  @Order(5)
  void anExpiredCertificateIsRefusedWith502() {
    assertRefused(call(expiredApi), "UPSTREAM_TLS_UNTRUSTED", "expired");
  }

  @Test
  @Order(6)
  void aChangedCaFileIsUsedForNewConnectionsWithoutARestart() {
    TestPki.write(dir.resolve("ca.crt"), trusted.cert(), unknown.cert());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> r;
    while ((r = call(strangerApi)).statusCode() != 200 && System.nanoTime() < deadline) {
      pause();
    }
    assertThat(r.statusCode()).as("within 10 s of the CA file change: " + r.body()).isEqualTo(200);
    assertThat(call(goodApi).statusCode()).isEqualTo(200);
  }
}
