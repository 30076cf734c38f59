package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.meshgate.testing.Executables;
import io.meshgate.testing.TestPki;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The TLS edge (issue 17): one HTTPS port with a certificate per SNI host name and a default,
 * certificates replaced on disk while connections stay open, HTTP/2 and HTTP/1.1 giving the same
 * answers, a rapid-reset burst that hurts only its own connection, and what testssl.sh finds.
 * Certificates are made at test time. openssl, nghttp and testssl.sh (Debian packages) are used
 * when present and required under {@code CI=true}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsEdgeIT extends OnManagedGateway {
  private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
  private static Path dir;
  private static TestPki.Ca ca;
  private static TestPki.Issued alpha;
  private static TestPki.Issued beta;
  private static TestPki.Issued fallback;
  private static LibertyServer replica;
  private static HttpClient h2;
  private static HttpClient h1;

  /** testssl.sh runs (about a minute) while the other tests do; the last test reads its report. */
  private static Process testssl;

  private static Path testsslReport;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("meshgate-tls-edge");
    ca = TestPki.ca("meshgate test edge CA");
    alpha = install("alpha", ca.issue("alpha", "alpha.test"));
    beta = install("beta", ca.issue("beta", "*.beta.test"));
    fallback = install("fallback", ca.issue("fallback", "localhost", "127.0.0.1"));
    replica =
        Gateways.get()
            .newReplica(
                "tls-edge",
                Map.of(
                    "MESHGATE_TLS_CERT_DIR", dir.toString(),
                    "MESHGATE_TLS_DEFAULT_CERT", "fallback",
                    "MESHGATE_TLS_RELOAD_SECONDS", "1",
                    "MESHGATE_HTTP2_MAX_RESETS_PER_30S", "100"))
            .start();
    startTestssl();
    SSLContext trusting = fallback.context(ca.cert());
    h2 =
        HttpClient.newBuilder()
            .sslContext(trusting)
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    h1 =
        HttpClient.newBuilder()
            .sslContext(trusting)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  private static void startTestssl() throws IOException {
    Optional<Path> binary = Executables.onPath("testssl");
    if (binary.isEmpty()) {
      binary = Executables.onPath("testssl.sh");
    }
    if (binary.isEmpty() && CI) {
      throw new IllegalStateException("CI=true: Debian's testssl.sh package is required");
    }
    if (binary.isEmpty()) {
      return;
    }
    testsslReport = Files.createTempDirectory("testssl").resolve("report.json");
    testssl =
        new ProcessBuilder(
                binary.get().toString(),
                "--quiet",
                "--color",
                "0",
                "--warnings",
                "batch",
                "--nodns",
                "none",
                "--ip",
                "127.0.0.1",
                "--jsonfile",
                testsslReport.toString(),
                "-p",
                "-U",
                "-h",
                "-s",
                "https://localhost:" + replica.httpsPort() + "/")
            .redirectErrorStream(true)
            .redirectOutput(testsslReport.resolveSibling("testssl.txt").toFile())
            .start();
  }

  @AfterAll
  static void stop() {
    if (testssl != null) {
      testssl.destroyForcibly();
    }
    if (replica != null) {
      replica.stop();
    }
  }

  private static TestPki.Issued install(String name, TestPki.Issued issued) throws IOException {
    Files.createDirectories(dir.resolve(name));
    TestPki.write(dir.resolve(name).resolve("tls.crt"), issued.chain().toArray());
    Path tmp = Files.createTempDirectory("key");
    issued.writeTo(tmp, "tls");
    Files.move(
        tmp.resolve("tls.key"),
        dir.resolve(name).resolve("tls.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return issued;
  }

  private static URI https(String path) {
    return URI.create("https://localhost:" + replica.httpsPort() + path);
  }

  /**
   * The certificate the edge presents to a JSSE client asking for {@code sni} (null: none). The
   * client takes any certificate: what is served is the question.
   */
  private static String servedFingerprint(String sni) throws Exception {
    SSLContext any = SSLContext.getInstance("TLS");
    any.init(
        null,
        new javax.net.ssl.TrustManager[] {
          new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    try (SSLSocket socket =
        (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", replica.httpsPort())) {
      SSLParameters params = socket.getSSLParameters();
      params.setServerNames(sni == null ? List.of() : List.of(new javax.net.ssl.SNIHostName(sni)));
      socket.setSSLParameters(params);
      socket.startHandshake();
      return fingerprint((X509Certificate) socket.getSession().getPeerCertificates()[0]);
    }
  }

  /** The same, asked by openssl s_client. */
  private static String opensslFingerprint(String sni) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect"));
    cmd.add("127.0.0.1:" + replica.httpsPort());
    if (sni == null) {
      cmd.add("-noservername");
    } else {
      cmd.addAll(List.of("-servername", sni));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    int begin = out.indexOf("-----BEGIN CERTIFICATE-----");
    int end = out.indexOf("-----END CERTIFICATE-----");
    assertThat(begin).as(out).isGreaterThanOrEqualTo(0);
    String b64 =
        out.substring(begin + "-----BEGIN CERTIFICATE-----".length(), end).replaceAll("\\s", "");
    return fingerprint(java.util.Base64.getDecoder().decode(b64));
  }

  private static String fingerprint(byte[] der) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
  }

  private static String fingerprint(X509Certificate cert) throws Exception {
    return fingerprint(cert.getEncoded());
  }

  @Test
  @Order(1)
  void eachHostNameGetsItsOwnCertificateAndAClientWithoutSniTheDefault() throws Exception {
    assertThat(servedFingerprint("alpha.test")).isEqualTo(fingerprint(alpha.cert()));
    assertThat(servedFingerprint("api.beta.test")).isEqualTo(fingerprint(beta.cert()));
    assertThat(servedFingerprint("other.beta.test")).isEqualTo(fingerprint(beta.cert()));
    assertThat(servedFingerprint("beta.test")).isEqualTo(fingerprint(fallback.cert()));
    assertThat(servedFingerprint(null)).isEqualTo(fingerprint(fallback.cert()));
    assertThat(servedFingerprint("unknown.example")).isEqualTo(fingerprint(fallback.cert()));
  }

  @Test
  @Order(1)
  void opensslSeesTheSameCertificatesByServerName() throws Exception {
    Optional<Path> openssl = Executables.onPath("openssl");
    if (openssl.isEmpty() && CI) {
      throw new IllegalStateException("CI=true: Debian's openssl package is required");
    }
    assumeThat(openssl).as("openssl on PATH").isPresent();
    assertThat(opensslFingerprint("alpha.test")).isEqualTo(fingerprint(alpha.cert()));
    assertThat(opensslFingerprint("api.beta.test")).isEqualTo(fingerprint(beta.cert()));
    assertThat(opensslFingerprint(null)).isEqualTo(fingerprint(fallback.cert()));
  }

  private static HttpResponse<String> call(HttpClient client, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(https(path)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  @Test
  @Order(2)
  void theDemoCallsBehaveTheSameOverHttp2AndHttp11() throws Exception {
    for (HttpClient client : List.of(h2, h1)) {
      String marker = java.util.UUID.randomUUID().toString();
      HttpResponse<String> ok =
          call(
              client,
              "/echo/" + marker + "?x=1",
              "X-API-Key",
              "free-demo-key",
              "x-client-plan",
              "premium");
      String version = client == h2 ? "HTTP_2" : "HTTP_1_1";
      assertThat(ok.version().name()).isEqualTo(version);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000");
      StubUpstream.Received seen = ManagedGateway.upstream().only(marker);
      assertThat(seen.header("x-client-plan")).containsExactly("free");
      assertThat(seen.header("x-forwarded-proto")).containsExactly("https");
      assertThat(seen.header("x-forwarded-for")).containsExactly("127.0.0.1");
      assertThat(seen.header("x-api-key")).isEmpty();
      assertThat(seen.headers().keySet()).noneMatch(n -> n.startsWith("x-http2"));
      assertThat(seen.rawPathAndQuery()).endsWith(marker + "?x=1");

      HttpResponse<String> refused = call(client, "/echo/reviews/1");
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
      assertThat(json(refused).getString("errorKey")).isEqualTo("CLIENT_AUTH_MISSING");
    }
  }

  @Test
  @Order(3)
  void nghttpSeesTheSameAnswerOverHttp2() throws Exception {
    Optional<Path> nghttp = Executables.onPath("nghttp");
    if (nghttp.isEmpty() && CI) {
      throw new IllegalStateException("CI=true: Debian's nghttp2-client package is required");
    }
    assumeThat(nghttp).as("nghttp on PATH").isPresent();
    String marker = java.util.UUID.randomUUID().toString();
    Process p =
        new ProcessBuilder(
                "nghttp",
                "-v",
                "-H",
                "x-api-key: premium-demo-key",
                "-H",
                "x_client_plan: beta",
                https("/echo/" + marker).toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("negotiated protocol: h2").contains(":status: 200");
    StubUpstream.Received seen = ManagedGateway.upstream().only(marker);
    assertThat(seen.header("x-client-plan")).containsExactly("premium");
    assertThat(seen.headers().keySet())
        .noneMatch(n -> n.replace('_', '-').equals("x-client-plan") && !n.equals("x-client-plan"));
  }

  @Test
  @Order(4)
  void aRapidResetBurstEndsOnlyThatConnection() throws Exception {
    SSLContext trusting = fallback.context(ca.cert());
    try (SSLSocket socket =
        (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", replica.httpsPort())) {
      SSLParameters params = socket.getSSLParameters();
      params.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(params);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[0])); // SETTINGS
      // GET https://localhost/echo/x with HPACK static-table fields only.
      byte[] authority = "localhost".getBytes(StandardCharsets.US_ASCII);
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      block.write(new byte[] {(byte) 0x82, (byte) 0x87, (byte) 0x84, 0x41});
      block.write(authority.length);
      block.write(authority);
      byte[] headers = block.toByteArray();
      // Far more HEADERS + RST_STREAM pairs than the limit (100 per 30 s here).
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int i = 0; i < 1_000; i++) {
        int stream = 2 * i + 1;
        burst.write(frame(0x1, 0x4 | 0x1, stream, headers)); // END_HEADERS | END_STREAM
        burst.write(frame(0x3, 0, stream, new byte[] {0, 0, 0, 0x8})); // RST_STREAM CANCEL
      }
      try {
        out.write(burst.toByteArray());
        out.flush();
      } catch (IOException closedWhileWriting) {
        // The edge may close before the whole burst is written.
      }
      Integer goAway = readUntilGoAway(socket.getInputStream());
      // ENHANCE_YOUR_CALM (0xb), or the connection simply closed.
      assertThat(goAway == null || goAway == 0xb).as("GOAWAY code " + goAway).isTrue();
    }
    // Other clients were not hurt.
    for (int i = 0; i < 5; i++) {
      assertThat(call(h2, "/echo/after-burst", "X-API-Key", "beta-demo-key").statusCode())
          .isEqualTo(200);
    }
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (stream >>> 24);
    f[6] = (byte) (stream >>> 16);
    f[7] = (byte) (stream >>> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  /** The error code of the GOAWAY the peer sent, or null if it closed without one. */
  private static Integer readUntilGoAway(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    try {
      while (true) {
        int length = data.readUnsignedByte() << 16 | data.readUnsignedShort();
        int type = data.readUnsignedByte();
        data.readUnsignedByte();
        data.readInt();
        byte[] payload = new byte[length];
        data.readFully(payload);
        if (type == 0x7) {
          return java.nio.ByteBuffer.wrap(payload, 4, 4).getInt();
        }
      }
    } catch (EOFException | java.net.SocketException | javax.net.ssl.SSLException e) {
      return null;
    }
  }

  @Test
  @Order(5)
  void aReplacedCertificateIsServedWithinTenSecondsAndOpenConnectionsKeepWorking()
      throws Exception {
    SSLContext trusting = fallback.context(ca.cert());
    try (SSLSocket kept =
        (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", replica.httpsPort())) {
      kept.setSoTimeout(10_000);
      assertThat(exchange(kept)).startsWith("HTTP/1.1 200");
      String before = servedFingerprint("alpha.test");
      TestPki.Issued renewed = install("alpha", ca.issue("alpha renewed", "alpha.test"));
      long started = System.nanoTime();
      String now = before;
      while (now.equals(before) && System.nanoTime() - started < 15_000_000_000L) {
        now = servedFingerprint("alpha.test");
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("TLS edge: the renewed certificate was served after %.1f s%n", seconds);
      assertThat(now).isEqualTo(fingerprint(renewed.cert()));
      assertThat(seconds).isLessThanOrEqualTo(10.0);
      // The connection opened before the change still works, with its old session.
      assertThat(exchange(kept)).startsWith("HTTP/1.1 200");
      assertThat(servedFingerprint(null)).isEqualTo(fingerprint(fallback.cert()));
    }
    assertThat(replica.messages()).doesNotContain("CWWKE0036I"); // never stopped
  }

  private static String exchange(SSLSocket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /echo/kept HTTP/1.1\r\nHost: localhost\r\nX-API-Key: free-demo-key\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    String h = head.toString();
    int at = h.toLowerCase().indexOf("content-length:");
    int length = Integer.parseInt(h.substring(at + 15, h.indexOf("\r\n", at)).trim());
    in.readNBytes(length);
    return h;
  }

  @Test
  @Order(6)
  void aLargeAnswerArrivesWholeOverHttp2EvenWhenLibertyClosesItsConnection() throws Exception {
    // A body without content-length is chunked towards Liberty, which then closes its connection
    // after the answer: the edge must still deliver all of it to a client that reads slowly.
    for (HttpClient client : List.of(h2, h1)) {
      HttpRequest request =
          HttpRequest.newBuilder(https("/echo/big-answer/" + java.util.UUID.randomUUID()))
              .header("X-API-Key", "premium-demo-key")
              .timeout(Duration.ofSeconds(30))
              .POST(
                  HttpRequest.BodyPublishers.ofInputStream(
                      () -> new java.io.ByteArrayInputStream(new byte[1_000])))
              .build();
      HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      byte[] body;
      try (InputStream in = r.body()) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
          Thread.sleep(0, 1); // a client reading in small steps
        }
        body = got.toByteArray();
      }
      assertThat(body).hasSize(StubUpstream.BIG_ANSWER_BYTES);
      for (int i = 0; i < body.length; i += 4093) {
        assertThat(body[i]).isEqualTo((byte) (i % 251));
      }
    }
  }

  @Test
  @Order(6)
  void aHeaderBlockOverTheLimitGetsProblemJson() throws Exception {
    HttpResponse<String> r = call(h1, "/echo/big", "X-Big", "a".repeat(1_300_000));
    assertThat(r.statusCode()).isEqualTo(431);
    assertThat(json(r).getString("errorKey")).isEqualTo("REQUEST_HEADERS_TOO_LARGE");
  }

  @Test
  @Order(7)
  void testsslFindsNoWeakProtocolCipherOrVulnerability() throws Exception {
    assumeThat(testssl).as("testssl on PATH").isNotNull();
    Path report = testsslReport;
    Process p = testssl;
    assertThat(p.waitFor(8, TimeUnit.MINUTES)).as("testssl finished").isTrue();
    var findings = Json.createReader(Files.newBufferedReader(report)).readArray();
    List<String> bad = new ArrayList<>();
    List<String> offered = new ArrayList<>();
    String hsts = null;
    List<String> weakCiphers = new ArrayList<>();
    for (var v : findings) {
      JsonObject f = v.asJsonObject();
      String id = f.getString("id");
      String severity = f.getString("severity");
      String finding = f.getString("finding", "");
      if (id.matches("SSLv2|SSLv3|TLS1|TLS1_1|TLS1_2|TLS1_3") && finding.startsWith("offered")) {
        offered.add(id);
      }
      // Cipher categories: only "strong" (AEAD with forward secrecy) may be offered.
      if (id.startsWith("cipherlist_") && !id.equals("cipherlist_STRONG")) {
        weakCiphers.add(id + ": " + finding);
      }
      // The test certificates (own CA, a day long, no OCSP, no CT) are not what is judged.
      boolean certificate =
          id.startsWith("cert")
              || id.startsWith("intermediate")
              || id.equals("OCSP_stapling")
              || id.equals("DNS_CAArecord")
              || id.equals("chain_of_trust");
      if (id.equals("HSTS_time")) {
        hsts = severity + ": " + finding;
      }
      // security_headers is about the application's own headers (X-Frame-Options, CSP, ...) on
      // the answer to GET /: an API gateway passes its upstreams' headers through.
      boolean application = id.equals("security_headers");
      if (!certificate && !application && severity.matches("MEDIUM|HIGH|CRITICAL")) {
        bad.add(id + " " + severity + ": " + finding);
      }
    }
    System.out.println("testssl.sh: protocols offered " + offered + "; findings above LOW: " + bad);
    assertThat(offered).containsExactlyInAnyOrder("TLS1_2", "TLS1_3");
    assertThat(weakCiphers).isNotEmpty().allMatch(c -> c.endsWith(": not offered"));
    assertThat(bad).isEmpty();
    assertThat(hsts).as("testssl's HSTS finding").startsWith("OK");
  }
}
