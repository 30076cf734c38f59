package io.meshgate.facade;

import io.meshgate.chain.HeaderList;
import io.meshgate.support.Problem;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict HTTP/1.1 message framing (RFC 9112 §6): a request whose body length more than one reader
 * could read differently is refused before anything else looks at it, on both ports, wherever the
 * application can see it. Liberty's HTTP layer accepts such requests and picks one reading; a proxy
 * in front of or behind the gateway may pick another, and the bytes one of them takes for a body,
 * the other takes for a second request. So there is exactly one accepted spelling of each:
 *
 * <ul>
 *   <li>{@code Content-Length}: at most one field, one to 18 ASCII digits (no sign, no list);
 *   <li>{@code Transfer-Encoding}: at most one field, exactly {@code chunked} (any case); meshgate
 *       decodes no other transfer coding, and {@code chunked} must be the last (RFC 9112 §6.3);
 *   <li>never both, and never {@code Transfer-Encoding} on an HTTP/1.0 request (§6.1);
 *   <li>header field names are tokens, values hold no control characters other than tab (RFC 9110
 *       §5.1, §5.5): what the HTTP layer lets through is not forwarded.
 * </ul>
 *
 * A refusal also closes the connection: after a framing error the rest of the bytes on it have no
 * reliable reading.
 *
 * <p>Some framing errors never reach the application: Liberty's HTTP layer drops a {@code
 * Content-Length} it cannot parse ({@code 5, 6}, {@code abc}, {@code +5}) and reads a chunk size
 * past 2^32 modulo 2^32 ({@code 10000000000000004} is 4). What follows such a body on the
 * connection would be read as another request. So the connection is closed after the answer to
 * every request whose length Liberty decided on its own: a chunked body, or a method that carries a
 * body sent with no length at all ({@link #endsConnection}). Nothing after such a request is ever
 * read.
 */
public final class RequestFraming {
  public static final String FRAMING_INVALID = "REQUEST_FRAMING_INVALID";
  public static final String HEADER_INVALID = "REQUEST_HEADER_INVALID";

  /** Sent with every refusal here: the connection's remaining bytes have no reliable reading. */
  public static final Map<String, String> CLOSE = Map.of("Connection", "close");

  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  private static final int MAX_LENGTH_DIGITS = 18; // always fits a long

  private RequestFraming() {}

  /** Why the request's framing or header fields are refused, or {@code null} when they are not. */
  public static Problem check(HttpServletRequest req) {
    return check(req, null);
  }

  /**
   * As {@link #check(HttpServletRequest)}; when it returns {@code null} and {@code fields} is
   * given, every header field of the request has been added to {@code fields} in order, so the data
   * plane does not walk the container's header enumerations a second time.
   */
  public static Problem check(HttpServletRequest req, HeaderList fields) {
    List<String> lengths = values(req.getHeaders("Content-Length"));
    List<String> codings = values(req.getHeaders("Transfer-Encoding"));
    if (lengths.size() > 1) {
      return framing("More than one Content-Length field");
    }
    if (lengths.size() == 1 && !isLength(lengths.get(0))) {
      return framing(
          "Content-Length must be one decimal number, not '" + quoted(lengths.get(0)) + "'");
    }
    if (!codings.isEmpty()) {
      if (codings.size() > 1 || !codings.get(0).strip().equalsIgnoreCase("chunked")) {
        return framing(
            "Transfer-Encoding must be exactly 'chunked', not '"
                + quoted(String.join(", ", codings))
                + "'");
      }
      if (!lengths.isEmpty()) {
        return framing("Transfer-Encoding and Content-Length must not be sent together");
      }
      if ("HTTP/1.0".equals(req.getProtocol())) {
        return framing("Transfer-Encoding is not allowed on an HTTP/1.0 request");
      }
    }
    for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      if (!isToken(name)) {
        return header("Header field name '" + quoted(name) + "' is not a token");
      }
      for (Enumeration<String> v = req.getHeaders(name); v.hasMoreElements(); ) {
        String value = v.nextElement();
        if (!isFieldValue(value)) {
          return header("Header field '" + quoted(name) + "' has a control character");
        }
        if (fields != null) {
          fields.add(name, value);
        }
      }
    }
    return null;
  }

  /**
   * Whether the connection must be closed after this request: its body was chunked, or it is a
   * POST, PUT or PATCH with neither {@code Content-Length} nor {@code Transfer-Encoding} (the field
   * the client sent may have been one Liberty could not parse and dropped).
   */
  public static boolean endsConnection(HttpServletRequest req) {
    if (req.getHeader("Transfer-Encoding") != null) {
      return true;
    }
    return req.getHeader("Content-Length") == null && BODY_METHODS.contains(req.getMethod());
  }

  static boolean isLength(String value) {
    int n = value.length();
    if (n == 0 || n > MAX_LENGTH_DIGITS) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 §5.6.2 token: {@code 1*tchar}. */
  static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 §5.5: visible characters, space, tab and obs-text; no other control character. */
  static boolean isFieldValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static List<String> values(Enumeration<String> e) {
    return e == null ? List.of() : new ArrayList<>(Collections.list(e));
  }

  /** A value as quoted back to the client: printable, and at most 64 characters. */
  private static String quoted(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 64; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return value.length() > 64 ? out + "..." : out.toString();
  }

  private static Problem framing(String detail) {
    return new Problem(400, FRAMING_INVALID, detail, CLOSE);
  }

  private static Problem header(String detail) {
    return new Problem(400, HEADER_INVALID, detail, CLOSE);
  }
}
