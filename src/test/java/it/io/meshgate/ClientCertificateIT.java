package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.testing.TestPki;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.ServedApi;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
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
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Apps that authenticate with client certificates at the TLS edge (issue 17): certificates
 * registered through the admin API by PEM or thumbprint, the mesh token bound to the certificate
 * ({@code cnf.x5t#S256}, RFC 8705), 401 problem+json for an unknown, expired or revoked certificate
 * and for none on an API that requires one, and a rotation with overlap. Certificates are made at
 * test time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientCertificateIT extends OnManagedGateway {
  private static TestPki.Ca ca;
  private static LibertyServer replica;
  private static ServedApi required;
  private static ServedApi optional;
  private static ServedApi byCa;
  private static TestPki.Ca partnerCa;
  private static TestPki.Issued first;
  private static TestPki.Issued second;
  private static long firstId;

  @BeforeAll
  static void start() throws IOException {
    Path dir = Files.createTempDirectory("meshgate-client-certs");
    ca = TestPki.ca("meshgate test client CA");
    TestPki.Issued server = ca.issue("localhost", "localhost", "127.0.0.1");
    TestPki.write(dir.resolve("tls.crt"), server.chain().toArray());
    Path keys = Files.createTempDirectory("key");
    server.writeTo(keys, "tls");
    Files.move(keys.resolve("tls.key"), dir.resolve("tls.key"));
    String upstream = Gateways.get().upstream().baseUrl();
    required = ServedApi.create("mtls", upstream + "/mtls", "certificate");
    optional = ServedApi.create("mtls-opt", upstream + "/mtls-opt", "certificate", "api-key");
    partnerCa = TestPki.ca("partner CA");
    byCa =
        ServedApi.createWithClientAuth(
            "mtls-ca",
            upstream + "/mtls-ca",
            "{\"methods\":[\"certificate\"],\"certificateAuthorities\":"
                + json(pem(partnerCa.cert()))
                + "}");
    replica =
        Gateways.get()
            .newReplica("client-certs", Map.of("MESHGATE_TLS_CERT_DIR", dir.toString()))
            .start();
    first = ca.issue("orders-service");
    second = ca.issue("orders-service (next)");
    firstId = register(required.appId(), "{\"certificate\":" + json(pem(first.cert())) + "}");
  }

  @AfterAll
  static void stop() {
    if (replica != null) {
      replica.stop();
    }
  }

  private static String pem(X509Certificate cert) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(cert);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  private static String json(String s) {
    return Json.createValue(s).toString();
  }

  private static long register(long appId, String body) {
    HttpResponse<String> r =
        AdminClient.send("POST", "/admin/v1/apps/" + appId + "/credentials", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return read(r).getJsonNumber("id").longValue();
  }

  private static JsonObject read(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private static String thumbprint(X509Certificate cert) throws Exception {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
  }

  /** A call to {@code api} over HTTPS presenting {@code cert} (null: none). */
  private static HttpResponse<String> call(
      ServedApi api, TestPki.Issued cert, String marker, String... headers) throws Exception {
    SSLContext tls;
    if (cert != null) {
      tls = cert.context(ca.cert());
    } else {
      tls = SSLContext.getInstance("TLS");
      javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
      java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", ca.cert());
      tmf.init(ts);
      tls.init(null, tmf.getTrustManagers(), null);
    }
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "https://localhost:"
                        + replica.httpsPort()
                        + api.basePath()
                        + "/"
                        + (marker == null ? "x" : marker)))
            .timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Calls until {@code status} comes (a replica learns catalog changes by polling). */
  private static HttpResponse<String> await(int status, Supplier<HttpResponse<String>> call) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    HttpResponse<String> r = call.get();
    while (r.statusCode() != status && System.nanoTime() < deadline) {
      r = call.get();
    }
    return r;
  }

  private static Supplier<HttpResponse<String>> calling(ServedApi api, TestPki.Issued cert) {
    return () -> {
      try {
        return call(api, cert, null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static void assert401(HttpResponse<String> r, String errorKey, String detail) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("www-authenticate")).isPresent();
    JsonObject problem = read(r);
    assertThat(problem.getString("errorKey")).isEqualTo(errorKey);
    assertThat(problem.getString("detail")).contains(detail);
  }

  @Test
  @Order(1)
  void aRegisteredCertificateGets200AndTheMeshTokenIsBoundToIt() throws Exception {
    await(200, calling(required, first));
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> r = call(required, first, marker);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    StubUpstream.Received seen = ManagedGateway.upstream().only(marker);
    String token = seen.header("authorization").get(0).substring("Bearer ".length());
    JsonObject claims =
        Json.createReader(
                new StringReader(
                    new String(
                        Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                        StandardCharsets.UTF_8)))
            .readObject();
    assertThat(claims.getJsonObject("cnf").getString("x5t#S256"))
        .isEqualTo(thumbprint(first.cert()));
    assertThat(seen.header("x-meshgate-client-cert-sha256"))
        .containsExactly(thumbprint(first.cert()));
  }

  @Test
  @Order(2)
  void anUnknownCertificateGets401() throws Exception {
    assert401(
        call(required, ca.issue("stranger"), null),
        "CLIENT_AUTH_INVALID",
        "not registered for an app");
    // Signed by another CA altogether: the handshake still succeeds, the API refuses.
    assert401(
        call(required, TestPki.ca("other CA").issue("stranger"), null),
        "CLIENT_AUTH_INVALID",
        "not registered for an app");
  }

  @Test
  @Order(3)
  void noCertificateOnARequiredApiGets401() throws Exception {
    assert401(call(required, null, null), "CLIENT_AUTH_MISSING", "client certificate");
    // Not even a valid API key replaces it.
    assert401(
        call(required, null, null, "X-API-Key", required.key()),
        "CLIENT_AUTH_MISSING",
        "client certificate");
  }

  @Test
  @Order(4)
  void anExpiredCertificateGets401() throws Exception {
    TestPki.Issued expired =
        ca.issue("old", Instant.now().minus(Duration.ofDays(2)), Duration.ofDays(1));
    // By PEM it is refused at registration; by thumbprint it is taken, and refused at the call.
    HttpResponse<String> byPem =
        AdminClient.send(
            "POST",
            "/admin/v1/apps/" + required.appId() + "/credentials",
            "{\"certificate\":" + json(pem(expired.cert())) + "}");
    assertThat(byPem.statusCode()).as(byPem.body()).isEqualTo(400);
    register(
        required.appId(),
        "{\"certificateSha256\":\""
            + HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(expired.cert().getEncoded()))
            + "\"}");
    assert401(call(required, expired, null), "CLIENT_AUTH_INVALID", "expired");
  }

  @Test
  @Order(5)
  void aRevokedCertificateGets401() throws Exception {
    TestPki.Issued revoked = ca.issue("revoked");
    long id = register(required.appId(), "{\"certificate\":" + json(pem(revoked.cert())) + "}");
    assertThat(await(200, calling(required, revoked)).statusCode()).isEqualTo(200);
    HttpResponse<String> r =
        AdminClient.send(
            "POST", "/admin/v1/apps/" + required.appId() + "/credentials/" + id + "/revoke", "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assert401(await(401, calling(required, revoked)), "CLIENT_AUTH_INVALID", "revoked");
  }

  @Test
  @Order(6)
  void duringARotationBothCertificatesWorkAfterItOnlyTheNewOne() throws Exception {
    register(
        required.appId(),
        "{\"label\":\"next\",\"certificateSha256\":\""
            + HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(second.cert().getEncoded()))
                .toUpperCase()
                .replaceAll("(..)(?!$)", "$1:")
            + "\"}");
    assertThat(await(200, calling(required, second)).statusCode()).isEqualTo(200);
    assertThat(call(required, first, null).statusCode()).isEqualTo(200);
    HttpResponse<String> r =
        AdminClient.send(
            "POST",
            "/admin/v1/apps/" + required.appId() + "/credentials/" + firstId + "/revoke",
            "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assert401(await(401, calling(required, first)), "CLIENT_AUTH_INVALID", "revoked");
    assertThat(call(required, second, null).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(7)
  void onAnApiWhereACertificateIsOptionalAnApiKeyStillWorks() throws Exception {
    HttpResponse<String> byKey =
        await(
            200,
            () -> {
              try {
                return call(optional, null, null, "X-API-Key", optional.key());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(byKey.statusCode()).as(byKey.body()).isEqualTo(200);
    TestPki.Issued cert = ca.issue("optional-app");
    register(optional.appId(), "{\"certificate\":" + json(pem(cert.cert())) + "}");
    assertThat(await(200, calling(optional, cert)).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(8)
  void theAdminApiListsCertificatesAndRefusesDuplicatesAndBadInput() throws Exception {
    HttpResponse<String> list =
        AdminClient.send("GET", "/admin/v1/apps/" + required.appId() + "/credentials", null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("\"kind\":\"certificate\"").contains("CN=orders-service");
    HttpResponse<String> again =
        AdminClient.send(
            "POST",
            "/admin/v1/apps/" + optional.appId() + "/credentials",
            "{\"certificate\":" + json(pem(second.cert())) + "}");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(read(again).getString("errorKey")).isEqualTo("CERTIFICATE_ALREADY_REGISTERED");
    for (String bad :
        new String[] {
          "{\"certificate\":\"not a pem\"}",
          "{\"certificateSha256\":\"abc\"}",
          "{\"certificate\":"
              + json(pem(second.cert()))
              + ",\"certificateSha256\":\""
              + "a".repeat(64)
              + "\"}"
        }) {
      HttpResponse<String> r =
          AdminClient.send("POST", "/admin/v1/apps/" + required.appId() + "/credentials", bad);
      assertThat(r.statusCode()).as(bad + " " + r.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    }
    // A certificate's credential is never an API key, whatever string is sent.
    String hex =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(second.cert().getEncoded()));
    assert401(
        call(optional, null, null, "X-API-Key", "x5t#S256:" + hex),
        "CLIENT_AUTH_INVALID",
        "API key");
  }

  @Test
  @Order(9)
  void anApiThatTrustsACaAcceptsItsCertificatesByRegisteredSubjectOrSan() throws Exception {
    register(byCa.appId(), "{\"certificateSubject\":\"cn = Billing Service\"}");
    register(byCa.appId(), "{\"certificateSan\":\"Ledger.Acme.Internal\"}");
    TestPki.Issued billing = partnerCa.issue("Billing Service");
    TestPki.Issued ledger = partnerCa.issue("ledger-7", "ledger.acme.internal");
    assertThat(await(200, calling(byCa, billing)).statusCode()).isEqualTo(200);
    assertThat(call(byCa, ledger, null).statusCode()).isEqualTo(200);
    // The same names from a CA this API does not trust, or another name from its CA: refused.
    assert401(
        call(byCa, ca.issue("Billing Service"), null), "CLIENT_AUTH_INVALID", "nor issued by a CA");
    assert401(
        call(byCa, partnerCa.issue("someone-else"), null),
        "CLIENT_AUTH_INVALID",
        "not registered for an app");
    HttpResponse<String> bad =
        AdminClient.send(
            "POST",
            "/admin/v1/apis",
            "{\"name\":\"bad-ca\",\"version\":\"v1\",\"basePath\":\"/bad-ca\",\"upstreamUrl\":\"http://x\","
                + "\"steps\":[{\"policy\":\"client-auth\",\"config\":{\"methods\":[\"certificate\"],"
                + "\"certificateAuthorities\":\"not pem\"}}]}");
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    assertThat(bad.body()).contains("certificateAuthorities");
  }
}
