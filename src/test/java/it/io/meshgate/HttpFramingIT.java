package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.RawHttp;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Strict HTTP/1.1 framing (RFC 9112 §5, §6, §7) on raw sockets. Every vector is followed on the
 * same connection by a second, valid request (the "smuggled" one): a request whose length has more
 * than one reading is refused with 400 or its connection ends with its answer, and neither it nor
 * the bytes after it ever reach the upstream.
 */
class HttpFramingIT extends OnManagedGateway {
  /** Longer than any answer takes; shorter than the fixture's 10 s read deadline. */
  private static final Duration WAIT = Duration.ofSeconds(8);

  private final Gateways gw = Gateways.get();

  static Stream<Arguments> refusedByTheGateway() {
    String chunked = "5\r\nhello\r\n0\r\n\r\n";
    return Stream.of(
        Arguments.of("Transfer-Encoding: chunked, gzip", chunked, "REQUEST_FRAMING_INVALID"),
        Arguments.of("Transfer-Encoding: gzip, chunked", chunked, "REQUEST_FRAMING_INVALID"),
        Arguments.of("Transfer-Encoding: gzip", chunked, "REQUEST_FRAMING_INVALID"),
        Arguments.of("Transfer-Encoding: identity", "hello", "REQUEST_FRAMING_INVALID"),
        Arguments.of(
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            chunked,
            "REQUEST_FRAMING_INVALID"),
        Arguments.of("Content-Length: 5\r\nContent-Length: 5", "hello", "REQUEST_FRAMING_INVALID"),
        Arguments.of("Content-Length: 0\r\nX-Probe: a\u0001b", "", "REQUEST_HEADER_INVALID"),
        Arguments.of("Content-Length: 0\r\nX-Probe: a\u0000b", "", "REQUEST_HEADER_INVALID"),
        Arguments.of("Content-Length: 0\r\nX-Probe: a\u007fb", "", "REQUEST_HEADER_INVALID"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByTheGateway")
  void ambiguousFramingIs400AndNothingOfTheConnectionIsForwarded(
      String fields, String body, String errorKey) {
    String marker = UUID.randomUUID().toString();
    String smuggled = UUID.randomUUID().toString();
    RawHttp.Answer answer = send(post(marker, fields) + body + get(smuggled), gw.server().port());

    assertRefused(answer, errorKey);
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
    assertThat(gw.upstream().requestsContaining(smuggled)).isEmpty();
  }

  @Test
  void transferEncodingOnHttp10IsRefused() {
    String marker = UUID.randomUUID().toString();
    RawHttp.Answer answer =
        send(
            ("POST /orders/%s HTTP/1.0\r\nHost: x\r\nX-API-Key: orders-key-1\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                .formatted(marker),
            gw.server().port());
    assertRefused(answer, "REQUEST_FRAMING_INVALID");
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
  }

  @Test
  void theAdminPortRefusesTheSameFraming() {
    RawHttp.Answer answer =
        send(
            "POST /admin/v1/apps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked, gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            gw.server().adminPort());
    assertRefused(answer, "REQUEST_FRAMING_INVALID");
  }

  /**
   * Liberty drops a Content-Length it cannot parse (and takes the first of two, and lets
   * Transfer-Encoding override Content-Length) before meshgate sees the request: the body is then
   * whatever Liberty decided, and what follows it on the connection would be read as a request. The
   * connection ends with the first answer, so the request in the body never reaches the upstream.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "Content-Length: 5, 6",
        "Content-Length: abc",
        "Content-Length: +5",
        "Content-Length: 5\r\nContent-Length: 6",
        "Content-Length: 6\r\nContent-Length: 5",
        "Transfer-Encoding: chunked\r\nContent-Length: 5"
      })
  void aBodyLibertyCannotMeasureIsNeverReadAsASecondRequest(String fields) {
    String marker = UUID.randomUUID().toString();
    String smuggled = UUID.randomUUID().toString();
    String body = fields.startsWith("Transfer") ? "0\r\n\r\n" : "";
    RawHttp.Answer answer =
        send(post(marker, fields) + body + get(smuggled) + get(smuggled), gw.server().port());

    assertThat(answer.closed()).as(answer.text()).isTrue();
    assertThat(answer.responses()).as(answer.text()).isLessThanOrEqualTo(1);
    assertThat(gw.upstream().requestsContaining(smuggled)).isEmpty();
  }

  /**
   * Liberty reads a chunk size modulo 2^32: {@code 10000000000000004} (2^64 + 4) and {@code
   * 100000004} (2^32 + 4) are 4. A proxy in front that reads them right would take the next request
   * for body bytes; the connection ends with the first answer, so that request is never read.
   */
  @ParameterizedTest
  @ValueSource(strings = {"10000000000000004", "100000004"})
  void aChunkSizePast32BitsNeverSmugglesASecondRequest(String size) {
    String marker = UUID.randomUUID().toString();
    String smuggled = UUID.randomUUID().toString();
    RawHttp.Answer answer =
        send(
            post(marker, "Transfer-Encoding: chunked")
                + size
                + "\r\nabcd\r\n0\r\n\r\n"
                + get(smuggled),
            gw.server().port());

    assertThat(answer.closed()).as(answer.text()).isTrue();
    assertThat(answer.responses()).as(answer.text()).isEqualTo(1);
    assertThat(gw.upstream().requestsContaining(smuggled)).isEmpty();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "-4\r\nabcd\r\n0\r\n\r\n",
        "0x4\r\nabcd\r\n0\r\n\r\n",
        " 4\r\nabcd\r\n0\r\n\r\n",
        "+4\r\nabcd\r\n0\r\n\r\n",
        "4\r\nabcdef\r\n0\r\n\r\n",
        "2\r\nabcd\r\n0\r\n\r\n",
        "4\r\nabcdXY\r\n0\r\n\r\n",
        "g\r\nabcd\r\n0\r\n\r\n",
        "4\u0000\r\nabcd\r\n0\r\n\r\n",
        "4,4\r\nabcd\r\n0\r\n\r\n",
        "4_0\r\nabcd\r\n0\r\n\r\n",
        "4\r\nabcd\r\nx\r\n\r\n"
      })
  void aMalformedChunkedBodyIs400NotAnUpstreamFailure(String body) {
    String marker = UUID.randomUUID().toString();
    RawHttp.Answer answer =
        send(post(marker, "Transfer-Encoding: chunked") + body, gw.server().port());

    assertRefused(answer, "REQUEST_BODY_MALFORMED");
    assertThat(answer.text()).doesNotContain("UPSTREAM_UNAVAILABLE");
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
  }

  @Test
  void aBodyShorterThanItsContentLengthIs400NotAnUpstreamFailure() throws Exception {
    String marker = UUID.randomUUID().toString();
    try (Socket socket = new Socket("127.0.0.1", gw.server().port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket
          .getOutputStream()
          .write(
              (post(marker, "Content-Length: 10") + "hello").getBytes(StandardCharsets.ISO_8859_1));
      socket.shutdownOutput(); // the client goes quiet 5 bytes short
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer)
          .startsWith("HTTP/1.1 400")
          .contains("\"errorKey\":\"REQUEST_BODY_MALFORMED\"")
          .doesNotContain("UPSTREAM_UNAVAILABLE");
    }
    assertThat(gw.upstream().requestsContaining(marker)).isEmpty();
  }

  @Test
  void aWellFormedChunkedBodyIsForwardedWholeAndOnlyItsConnectionEnds() {
    String marker = UUID.randomUUID().toString();
    RawHttp.Answer answer =
        send(
            post(marker, "Transfer-Encoding: chunked")
                + "4\r\nabcd\r\n3;name=value\r\nefg\r\n0\r\n\r\n",
            gw.server().port());
    assertThat(answer.firstStatusLine()).isEqualTo("HTTP/1.1 200 OK");
    assertThat(answer.closed()).isTrue();
    assertThat(gw.upstream().only(marker).bodyText()).isEqualTo("abcdefg");

    // Requests with a length keep their connection: both pipelined requests are answered.
    String first = UUID.randomUUID().toString();
    String second = UUID.randomUUID().toString();
    RawHttp.Answer kept =
        send(post(first, "Content-Length: 5") + "hello" + get(second), gw.server().port());
    assertThat(kept.responses()).as(kept.text()).isEqualTo(2);
    assertThat(gw.upstream().only(first).bodyText()).isEqualTo("hello");
    assertThat(gw.upstream().requestsContaining(second)).hasSize(1);
  }

  private static String post(String marker, String fields) {
    return "POST /orders/"
        + marker
        + " HTTP/1.1\r\nHost: x\r\nX-API-Key: orders-key-1\r\n"
        + fields
        + "\r\n\r\n";
  }

  private static String get(String marker) {
    return "GET /orders/" + marker + " HTTP/1.1\r\nHost: x\r\nX-API-Key: orders-key-1\r\n\r\n";
  }

  private static RawHttp.Answer send(String bytes, int port) {
    return RawHttp.exchange(port, bytes, WAIT);
  }

  /** One 400 problem+json with this errorKey, and the connection closed after it. */
  private static void assertRefused(RawHttp.Answer answer, String errorKey) {
    assertThat(answer.firstStatusLine()).as(answer.text()).matches("HTTP/1\\.[01] 400 Bad Request");
    assertThat(answer.text())
        .contains("application/problem+json")
        .contains("\"errorKey\":\"" + errorKey + "\"");
    assertThat(answer.text()).containsIgnoringCase("Connection: close");
    assertThat(answer.responses()).as(answer.text()).isEqualTo(1);
    assertThat(answer.closed()).as("connection closed after the refusal").isTrue();
  }
}
