package it.io.meshgate.hostile;

import it.io.meshgate.hostile.Input.Port;
import java.util.ArrayList;
import java.util.List;

/**
 * The framing table: lengths with more than one reading, transfer codings, control characters in
 * fields, malformed chunked bodies and the vectors Liberty settles itself (README, "Strict HTTP/1.1
 * framing" and its limits). Each is sent on a connection of its own, followed by a second request
 * carrying the same marker (the smuggled one): the first answer must be the documented one, the
 * connection must end with it, and the upstream may receive at most the vector itself.
 */
final class FramingVectors {
  static final String TABLE = "framing";
  private static final String CHUNKED = "5\r\nhello\r\n0\r\n\r\n";
  private static final String FRAMING = "REQUEST_FRAMING_INVALID";
  private static final String HEADER = "REQUEST_HEADER_INVALID";
  private static final String BODY = "REQUEST_BODY_MALFORMED";

  private FramingVectors() {}

  static List<Input> all(Markers markers) {
    List<Input> inputs = new ArrayList<>();
    List<String[]> refused = new ArrayList<>(); // fields, body, errorKey
    for (String coding :
        List.of(
            "chunked, gzip",
            "gzip, chunked",
            "gzip",
            "identity",
            "deflate",
            "compress",
            "x-custom",
            "chunked, chunked",
            "chunked,",
            ", chunked",
            "chunked;q=1",
            "chunk",
            "\"chunked\"")) {
      refused.add(new String[] {"Transfer-Encoding: " + coding, CHUNKED, FRAMING});
    }
    refused.add(
        new String[] {
          "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", CHUNKED, FRAMING
        });
    refused.add(new String[] {"Content-Length: 5\r\nContent-Length: 5", "hello", FRAMING});
    refused.add(new String[] {"Content-Length: 0\r\nContent-Length: 0", "", FRAMING});
    for (char c : new char[] {0, 1, 2, 7, 8, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f, 0x7f}) {
      for (String field : List.of("X-Probe", "User-Agent", "Accept")) {
        refused.add(new String[] {"Content-Length: 0\r\n" + field + ": a" + c + "b", "", HEADER});
      }
    }
    for (String[] r : refused) {
      for (Port port : Port.values()) {
        inputs.add(vector(markers, port, "POST", r[0], r[1], r[2], "HTTP/1.1"));
      }
    }
    inputs.add(chunked(markers, CHUNKED, FRAMING, "HTTP/1.0"));
    // Malformed chunked bodies, generated: each bad size line, and each wrong amount of data, as
    // the first chunk and after a good one; and a bad last chunk.
    List<String> chunks = new ArrayList<>();
    for (String size : List.of("-4", "0x4", " 4", "+4", "g", "4,4", "4_0", "4\u0000")) {
      chunks.add(size + "\r\nabcd\r\n");
    }
    for (String[] data : new String[][] {{"4", "abcdef"}, {"2", "abcd"}, {"4", "abcdXY"}}) {
      chunks.add(data[0] + "\r\n" + data[1] + "\r\n");
    }
    for (String chunk : chunks) {
      for (String before : List.of("", "3\r\nabc\r\n")) {
        inputs.add(chunked(markers, before + chunk + "0\r\n\r\n", BODY, "HTTP/1.1"));
      }
    }
    inputs.add(chunked(markers, "4\r\nabcd\r\nx\r\n\r\n", BODY, "HTTP/1.1"));
    // Settled by Liberty before the application (README, "Limits that remain"): the request is
    // forwarded as Liberty read it, its connection ends with the answer, the bytes after it are
    // never read as a request.
    String[][] libertyDecides = {
      {"Content-Length: 5, 6", ""},
      {"Content-Length: abc", ""},
      {"Content-Length: +5", ""},
      {"Transfer-Encoding: chunked\r\nContent-Length: 5", "0\r\n\r\n"},
      {"Transfer-Encoding: chunked", "10000000000000004\r\nabcd\r\n0\r\n\r\n"},
      {"Transfer-Encoding: chunked", "100000004\r\nabcd\r\n0\r\n\r\n"},
      {"Transfer-Encoding: chunked", "4;\r\nabcd\r\n0\r\n\r\n"},
      {"Transfer-Encoding: chunked", "4;a=\"b\r\nabcd\r\n0\r\n\r\n"},
      {"Transfer-Encoding: chunked", "5\r\nhello\r\n0\r\n\r\n"},
      {"Transfer-Encoding: CHUNKED", "5\r\nhello\r\n0\r\n\r\n"},
    };
    for (String[] v : libertyDecides) {
      String marker = markers.next();
      inputs.add(
          vector(
              marker,
              Port.DATA,
              "POST",
              v[0],
              v[1],
              Expected.forwarded(PathRules.API_UPSTREAM + "/f?m=" + marker),
              "HTTP/1.1"));
    }
    return inputs;
  }

  /** A chunked POST to the API, refused with 400 and {@code errorKey}. */
  private static Input chunked(Markers markers, String body, String errorKey, String version) {
    return vector(
        markers, Port.DATA, "POST", "Transfer-Encoding: chunked", body, errorKey, version);
  }

  /** A vector refused with 400 and {@code errorKey}. */
  private static Input vector(
      Markers markers,
      Port port,
      String method,
      String fields,
      String body,
      String errorKey,
      String version) {
    return vector(
        markers.next(), port, method, fields, body, Expected.problem(400, errorKey), version);
  }

  private static Input vector(
      String marker,
      Port port,
      String method,
      String fields,
      String body,
      Expected expected,
      String version) {
    String path = port == Port.DATA ? "/orders/f?m=" + marker : "/admin/v1/apps?m=" + marker;
    String credential =
        port == Port.DATA ? "X-API-Key: orders-key-1\r\n" : "Content-Type: application/json\r\n";
    String smuggled =
        "GET /orders/smuggled?m="
            + marker
            + " HTTP/1.1\r\nHost: gateway.example\r\nX-API-Key: orders-key-1\r\n\r\n";
    String request =
        method
            + " "
            + path
            + " "
            + version
            + "\r\nHost: gateway.example\r\n"
            + credential
            + fields
            + "\r\n\r\n"
            + body
            + smuggled;
    return Input.of(
            TABLE,
            port + " " + version + " " + PathSpellings.printable(fields + " | " + body),
            port,
            request,
            expected,
            marker)
        .alone();
  }
}
