package io.meshgate.facade;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one form of a request path that every routing and authorization decision uses, on both ports.
 * It is computed from the raw request-target path (before {@code ?}) by one rule: a path that has
 * more than one reading is refused, any other is percent-decoded exactly once.
 *
 * <p>Refused (400 {@code INVALID_PATH}), each because some server in front of or behind the gateway
 * reads it differently from another:
 *
 * <ul>
 *   <li>a path that does not start with {@code /};
 *   <li>a {@code ;} (path parameters: servlet containers drop them, proxies keep them);
 *   <li>a {@code \} (a separator to some servers);
 *   <li>a {@code %} not followed by two hex digits;
 *   <li>an escape of a control character ({@code %00}–{@code %1F}, {@code %7F}), of {@code /},
 *       {@code \} or {@code ;} (a different path to servers that decode before splitting);
 *   <li>an escape of an unreserved character (RFC 3986 §2.3: letters, digits, {@code -}, {@code .},
 *       {@code _}, {@code ~}), such as {@code /%61dmin}: it has a plain spelling, and a matcher
 *       that compares the raw path (as JAX-RS may) would read it as another path than this one;
 *   <li>escapes that do not decode to well-formed UTF-8 (overlong forms such as {@code %C0%AE},
 *       surrogates, truncated sequences): decoders that repair them disagree on the result;
 *   <li>an empty segment other than the last ({@code //}: merged by some servers, not others);
 *   <li>a {@code .} or {@code ..} segment in any spelling: resolving it could leave an API's base
 *       path.
 * </ul>
 *
 * <p>Anything else is decoded once: {@code %2561} is {@code %61}, never {@code a}. Because no
 * accepted path has an escaped unreserved character, every literal path segment of the gateway's
 * own endpoints (all unreserved characters) has exactly one spelling, so raw and decoded matching
 * reach the same endpoint. Because no accepted path has an encoded or empty separator, the raw path
 * and its canonical form have the same segments, one for one; {@link #rawRemainder} uses that to
 * forward exactly what the client sent below an API's base path.
 */
public final class CanonicalPath {

  /** Why a path was refused: a sentence for the problem's detail. */
  public static final class InvalidPathException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidPathException(String message) {
      super(message, null, false, false);
    }
  }

  /** Why a path with parameters is refused. */
  public static final String PATH_PARAMETERS = "The path must not contain ';' (path parameters)";

  private CanonicalPath() {}

  /** The canonical form of a raw path, or an exception that says which rule refused it. */
  public static String of(String rawPath) throws InvalidPathException {
    if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      throw new InvalidPathException("The path must start with '/'");
    }
    boolean plain = true;
    int length = rawPath.length();
    for (int i = 0; i < length; i++) {
      char c = rawPath.charAt(i);
      if (c == ';') {
        throw new InvalidPathException(PATH_PARAMETERS);
      }
      if (c == '\\') {
        throw new InvalidPathException("The path must not contain '\\'");
      }
      if (c < 0x21 || c >= 0x7F) {
        throw new InvalidPathException("The path must not contain raw control or non-ASCII bytes");
      }
      if (c == '%') {
        plain = false;
      }
    }
    String decoded = plain ? rawPath : decode(rawPath);
    checkSegments(decoded);
    return decoded;
  }

  private static String decode(String raw) throws InvalidPathException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
      if (high < 0 || low < 0) {
        throw new InvalidPathException("A '%' in the path must be followed by two hex digits");
      }
      int b = high * 16 + low;
      if (b < 0x20 || b == 0x7F) {
        throw new InvalidPathException("The path must not encode control characters");
      }
      if (b == '/' || b == '\\' || b == ';') {
        throw new InvalidPathException("The path must not encode '/', '\\' or ';'");
      }
      if (isUnreserved(b)) {
        throw new InvalidPathException(
            "The path must not encode letters, digits, '-', '.', '_' or '~' (send '"
                + (char) b
                + "' as it is)");
      }
      bytes.write(b);
      i += 2;
    }
    try {
      // A strict decoder: overlong forms, surrogates and truncated sequences are errors.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidPathException("The path's escapes are not well-formed UTF-8");
    }
  }

  /** RFC 3986 §2.3: the characters that mean the same encoded or not, so have one spelling. */
  private static boolean isUnreserved(int b) {
    return b < 0x80 && (Character.isLetterOrDigit(b) || "-._~".indexOf(b) >= 0);
  }

  private static void checkSegments(String path) throws InvalidPathException {
    int start = 1;
    while (true) {
      int end = path.indexOf('/', start);
      boolean last = end < 0;
      String segment = last ? path.substring(start) : path.substring(start, end);
      if (segment.equals(".") || segment.equals("..")) {
        throw new InvalidPathException("The path must not contain '.' or '..' segments");
      }
      if (segment.isEmpty() && !last) {
        throw new InvalidPathException("The path must not contain empty segments ('//')");
      }
      if (last) {
        return;
      }
      start = end + 1;
    }
  }

  /**
   * The raw path below the first {@code segments} segments, as the client sent it: the remainder
   * that is forwarded upstream when the canonical path matched a base path of that many segments.
   * Only for paths that {@link #of} accepted (their raw and canonical segments correspond).
   */
  public static String rawRemainder(String rawPath, int segments) {
    int at = 0;
    for (int i = 0; i < segments; i++) {
      int next = rawPath.indexOf('/', at + 1);
      if (next < 0) {
        return "";
      }
      at = next;
    }
    return rawPath.substring(at);
  }

  /** How many segments a canonical base path has ({@code /} has none, {@code /a/b} two). */
  public static int segmentCount(String basePath) {
    if (basePath.equals("/")) {
      return 0;
    }
    int count = 0;
    for (int i = 0; i < basePath.length(); i++) {
      if (basePath.charAt(i) == '/') {
        count++;
      }
    }
    return count;
  }
}
