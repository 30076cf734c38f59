package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every refusal is problem+json with its documented errorKey, never a 500. */
class RejectionsIT extends OnManagedGateway {
  private final Gateways gw = Gateways.get();

  @Test
  void noKeyIs401WithAChallenge() {
    HttpResponse<String> r = Http.get(gw.server().uri("/orders/1"));
    assertProblem(r, 401, "CLIENT_AUTH_MISSING");
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("ApiKey"));
  }

  @Test
  void unknownKeyIs401() {
    HttpResponse<String> r = Http.get(gw.server().uri("/orders/1"), "X-API-Key", "no-such-key");
    assertProblem(r, 401, "CLIENT_AUTH_INVALID");
    assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void wrongClientSecretIs401() {
    HttpResponse<String> r =
        Http.get(
            gw.server().uri("/orders/1"),
            "X-Client-Id",
            "orders-client",
            "X-Client-Secret",
            "guess");
    assertProblem(r, 401, "CLIENT_AUTH_INVALID");
  }

  @Test
  void appWithoutSubscriptionIs403() {
    assertProblem(
        Http.get(gw.server().uri("/orders/1"), "X-API-Key", "lonely-key"),
        403,
        "SUBSCRIPTION_REQUIRED");
  }

  @Test
  void pendingSubscriptionIs403() {
    assertProblem(
        Http.get(gw.server().uri("/orders/1"), "X-API-Key", "pending-key"),
        403,
        "SUBSCRIPTION_PENDING");
  }

  @Test
  void suspendedSubscriptionIs403() {
    assertProblem(
        Http.get(gw.server().uri("/orders/1"), "X-API-Key", "suspended-key"),
        403,
        "SUBSCRIPTION_SUSPENDED");
  }

  @Test
  void deniedIpIs403AndNothingReachesTheUpstream() {
    String marker = UUID.randomUUID().toString();
    assertProblem(
        Http.get(gw.server().uri("/private/" + marker), "X-API-Key", "orders-key-1"),
        403,
        "ACCESS_DENIED");
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
  }

  @Test
  void clientIdNotOnTheAllowListIs403() {
    assertProblem(
        Http.get(gw.server().uri("/vip/x"), "X-API-Key", "other-key"), 403, "ACCESS_DENIED");
    assertThat(Http.get(gw.server().uri("/vip/x"), "X-API-Key", "orders-key-1").statusCode())
        .isEqualTo(200);
  }

  @Test
  void upstreamDownIs502() {
    assertProblem(
        Http.get(gw.server().uri("/down/x"), "X-API-Key", "orders-key-1"),
        502,
        "UPSTREAM_UNAVAILABLE");
  }

  @Test
  void upstreamSlowerThanTheTimeoutIs504() {
    assertProblem(
        Http.get(gw.server().uri("/slow/x"), "X-API-Key", "orders-key-1"), 504, "UPSTREAM_TIMEOUT");
  }

  @Test
  void bodyOverTheLimitIs413BeforeAnythingIsSentUpstream() {
    String marker = UUID.randomUUID().toString();
    byte[] body = new byte[Gateways.MAX_REQUEST_BYTES + 1];
    HttpResponse<String> r =
        Http.send(
            HttpRequest.newBuilder(gw.server().uri("/orders/" + marker))
                .header("X-API-Key", "orders-key-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertProblem(r, 413, "REQUEST_TOO_LARGE");
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
  }

  @Test
  void chunkedBodyOverTheLimitIs413BeforeAnythingIsSentUpstream() {
    String marker = UUID.randomUUID().toString();
    int size = Gateways.MAX_REQUEST_BYTES + 10;
    byte[] chunk = ("%x\r\n".formatted(size) + "a".repeat(size) + "\r\n0\r\n\r\n").getBytes();
    String response =
        Http.raw(
            gw.server().port(),
            "POST /orders/"
                + marker
                + " HTTP/1.1\r\nHost: x\r\nX-API-Key: orders-key-1\r\nTransfer-Encoding: chunked",
            chunk);
    assertThat(response).startsWith("HTTP/1.1 413").contains("REQUEST_TOO_LARGE");
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
  }

  @Test
  void headersOverWhatTheMeshAcceptsAre431AndNeverForwarded() {
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> r = padded(marker, 60_000);
    assertProblem(r, 431, "REQUEST_HEADERS_TOO_LARGE");
    assertThat(r.body()).contains(Long.toString(Gateways.MAX_UPSTREAM_HEADER_BYTES));
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();

    String fits = UUID.randomUUID().toString();
    assertThat(padded(fits, 31_000).statusCode()).isEqualTo(200);
    assertThat(gw.upstream().requestsContaining(fits)).hasSize(1);
  }

  @Test
  void headersThatFitUntilTheGatewayAddsItsOwnAre431AndNeverForwarded() {
    // The 431 above names the bytes the client's request would make upstream; pad a request to
    // exactly the limit, so only the mesh token and app fields the policies add take it over.
    HttpResponse<String> probe = padded(UUID.randomUUID().toString(), 60_000);
    long overhead = bytesNamedIn(probe) - 60_000;
    int pad = (int) (Gateways.MAX_UPSTREAM_HEADER_BYTES - overhead);

    String marker = UUID.randomUUID().toString();
    HttpResponse<String> r = padded(marker, pad);
    assertProblem(r, 431, "REQUEST_HEADERS_TOO_LARGE");
    assertThat(bytesNamedIn(r)).isGreaterThan(Gateways.MAX_UPSTREAM_HEADER_BYTES);
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
  }

  @Test
  void moreHeaderFieldsThanTheMeshAcceptsAre431AndNeverForwarded() {
    String marker = UUID.randomUUID().toString();
    assertProblem(withFields(marker, 95), 431, "REQUEST_HEADERS_TOO_LARGE");
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();

    String fits = UUID.randomUUID().toString();
    assertThat(withFields(fits, 70).statusCode()).isEqualTo(200);
    assertThat(gw.upstream().requestsContaining(fits)).hasSize(1);
  }

  @Test
  void fieldsNamedInConnectionAreNeitherForwardedNorCounted() {
    String marker = UUID.randomUUID().toString();
    String response =
        Http.raw(
            gw.server().port(),
            "GET /orders/"
                + marker
                + " HTTP/1.1\r\nHost: x\r\nX-API-Key: orders-key-1\r\nConnection: x-big\r\nX-Big: "
                + "a".repeat(40_000)
                + "\r\nX-Pad: "
                + "a".repeat(30_000),
            null);
    assertThat(response).startsWith("HTTP/1.1 200");
    StubUpstream.Received received = gw.upstream().only(marker);
    assertThat(received.header("x-big")).isEmpty();
    assertThat(received.header("x-pad")).hasSize(1);
  }

  private HttpResponse<String> padded(String marker, int padBytes) {
    return Http.get(
        gw.server().uri("/orders/" + marker),
        "X-API-Key",
        "orders-key-1",
        "X-Pad",
        "a".repeat(padBytes));
  }

  private HttpResponse<String> withFields(String marker, int fields) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gw.server().uri("/orders/" + marker))
            .header("X-API-Key", "orders-key-1");
    for (int i = 0; i < fields; i++) {
      b.header("X-Field-" + i, "v");
    }
    return Http.send(b);
  }

  private static long bytesNamedIn(HttpResponse<String> r) {
    Matcher m = Pattern.compile("make (\\d+) bytes").matcher(r.body());
    assertThat(m.find()).as(r.body()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void aHeaderBlockOverTheRequestLimitIsRefusedByLibertyAndNothingIsSentUpstream() {
    // Megabyte header fields are allowed (HTTP_MAX_HEADER_FIELD_BYTES leaves room for a 1 MiB
    // token), but not a header block over HTTP_MAX_MESSAGE_BYTES: that bounds what one connection
    // can make the server hold. Headers just over the limit, so the refusal comes once all is read.
    String marker = UUID.randomUUID().toString();
    StringBuilder head =
        new StringBuilder(
            "GET /orders/" + marker + " HTTP/1.1\r\nHost: x\r\nX-API-Key: orders-key-1");
    String field = "a".repeat(1_000_000);
    int fields = (int) (Gateways.HTTP_MAX_MESSAGE_BYTES / 1_000_000);
    for (int i = 0; i < fields; i++) {
      head.append("\r\nX-Pad-").append(i).append(": ").append(field);
    }
    head.append("\r\nX-Pad-last: ")
        .append("a".repeat((int) (Gateways.HTTP_MAX_MESSAGE_BYTES % 1_000_000) + 1));
    assertThat(head.length()).isGreaterThan((int) Gateways.HTTP_MAX_MESSAGE_BYTES);

    assertThat(Http.raw(gw.server().port(), head.toString(), null)).startsWith("HTTP/1.1 413");
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();

    // A megabyte field in a block under the limit reaches meshgate, which answers it.
    String big = UUID.randomUUID().toString();
    HttpResponse<String> r =
        Http.get(gw.server().uri("/orders/" + big), "X-API-Key", "orders-key-1", "X-Pad", field);
    assertProblem(r, 431, "REQUEST_HEADERS_TOO_LARGE");
    assertThat(gw.upstream().requestsContaining(big)).isEmpty();
  }

  @Test
  void methodsThatAreNotProxiedAre405WithAllowAndNeverReachTheUpstream() {
    String response =
        Http.raw(
            gw.server().port(),
            "TRACE /orders/trace-me HTTP/1.1\r\nHost: x\r\nX-API-Key: orders-key-1",
            null);
    assertThat(response)
        .startsWith("HTTP/1.1 405")
        .contains("application/problem+json")
        .contains("\"METHOD_NOT_ALLOWED\"")
        .containsIgnoringCase("Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    assertThat(gw.upstream().requestsContaining("trace-me")).isEmpty();
  }

  @Test
  void unknownPathIs404() {
    assertProblem(Http.get(gw.server().uri("/no-such-api/x")), 404, "ROUTE_NOT_FOUND");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/orders/../secret", "/orders/./secret", "/orders/a/../../secret"})
  void dotSegmentsAre400ProblemsAndNeverReachTheUpstream(String path) {
    String response =
        Http.raw(
            gw.server().port(),
            "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-API-Key: orders-key-1",
            null);
    assertThat(response)
        .startsWith("HTTP/1.1 400")
        .contains("application/problem+json")
        .contains("\"INVALID_PATH\"");
    assertThat(gw.upstream().requestsContaining("secret")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/orders/%2e%2e/secret", "/orders/%2E/secret", "/orders/a%2Fsecret"})
  void encodedDotsAndSlashesAre400ProblemsAndNeverReachTheUpstream(String path) {
    String response =
        Http.raw(
            gw.server().port(),
            "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-API-Key: orders-key-1",
            null);
    assertThat(response)
        .startsWith("HTTP/1.1 400")
        .contains("application/problem+json")
        .contains("\"INVALID_PATH\"");
    assertThat(gw.upstream().requestsContaining("secret")).isEmpty();
  }

  static void assertProblem(HttpResponse<String> r, int status, String errorKey) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonObject problem = Json.createReader(new StringReader(r.body())).readObject();
    assertThat(problem.getString("errorKey")).isEqualTo(errorKey);
    assertThat(problem.getInt("status")).isEqualTo(status);
    assertThat(problem.getString("type")).startsWith("urn:meshgate:problem:");
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
  }
}
