package it.io.meshgate.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The oracle of the path suite: what a {@code GET} of a request target must get on each port,
 * written from the documented rule (README, "Security: what the edge refuses") and not from the
 * gateway's code, so that a gateway that strays from the rule fails the suite. In order:
 *
 * <ol>
 *   <li>Liberty refuses, with its own bare 400 before any application sees the request: a target
 *       that does not start with {@code /}; a raw control character; a {@code %} without two hex
 *       digits; an escaped control character; after Liberty decodes the path, a {@code ;} that
 *       follows a {@code .} or {@code ..} segment or opens an empty segment that is not the last
 *       ({@code /;/x}, {@code /x/..;/y}); and dot segments that climb above the root.
 *   <li>Refused with 400 {@code INVALID_PATH}: a {@code ;}, {@code \} or {@code #}; a raw byte over
 *       0x7E; an escaped {@code /}, {@code \}, {@code ;}, {@code #} or unreserved character;
 *       escapes that are not well-formed UTF-8; an empty segment other than the last; a {@code .}
 *       or {@code ..} segment.
 *   <li>Anything else is decoded once and routed on that canonical path: on the data port {@code
 *       /admin} is 404, an API base path is proxied with the raw rest of the path and the query,
 *       the gateway's own endpoints answer, the rest is 404 ({@code /metrics} and {@code /openapi}
 *       too); on the admin port only {@code /admin} paths, {@code /metrics} and {@code /openapi}
 *       are served, an admin endpoint without a valid token is 401, and the metrics and the OpenAPI
 *       document need none.
 * </ol>
 */
final class PathRules {
  static final String INVALID_PATH = "INVALID_PATH";
  static final String ROUTE_NOT_FOUND = "ROUTE_NOT_FOUND";

  /** The suite's API: {@code /orders} on the stub upstream's {@code /svc/orders}. */
  static final String API_BASE = "/orders";

  static final String API_UPSTREAM = "/svc/orders";

  /** Admin endpoints that answer GET (a {@code *} segment is any one segment). */
  private static final List<String> ADMIN_GETS =
      List.of(
          "/admin/v1/apps",
          "/admin/v1/apps/*",
          "/admin/v1/apps/*/credentials",
          "/admin/v1/keys",
          "/admin/v1/keys/*",
          "/admin/v1/apis",
          "/admin/v1/apis/*",
          "/admin/v1/apis/*/openapi",
          "/admin/v1/products",
          "/admin/v1/products/*",
          "/admin/v1/products/*/plans",
          "/admin/v1/products/*/plans/*",
          "/admin/v1/subscriptions",
          "/admin/v1/subscriptions/*",
          "/admin/v1/subscriptions/*/usage",
          "/admin/v1/audit",
          "/admin/v1/policies",
          "/admin/v1/istio/request-authentication");

  /** Admin endpoints that exist but answer other methods only. */
  private static final List<String> ADMIN_NOT_GET =
      List.of("/admin/oauth2/token", "/admin/v1/apis/*/publish", "/admin/v1/keys/*/publish");

  /** Served on the admin port without a token (with or without a trailing {@code /}). */
  private static final Set<String> ADMIN_DOCUMENTS = Set.of("/metrics", "/openapi");

  private static final Set<String> DATA_DOCUMENTS =
      Set.of("/.well-known/jwks.json", "/.well-known/openid-configuration");
  private static final Set<String> OWN_PREFIXES = Set.of("/oauth2", "/.well-known", "/__meshgate");

  /** Who calls: no credential, the suite's API key, or (admin port) a forged admin token. */
  enum Caller {
    NONE,
    API_KEY,
    FORGED_ADMIN_TOKEN
  }

  private enum Refusal {
    LIBERTY,
    INVALID
  }

  private PathRules() {}

  static Expected expect(Input.Port port, String target, Caller caller) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? null : target.substring(q + 1);
    Refusal refusal = refusal(path);
    if (refusal == Refusal.LIBERTY) {
      return Expected.bare(400);
    }
    if (refusal == Refusal.INVALID) {
      return Expected.problem(400, INVALID_PATH);
    }
    String canonical = decodeUtf8(path);
    return port == Input.Port.DATA
        ? data(canonical, path, query, caller)
        : admin(canonical, caller);
  }

  private static Expected data(String canonical, String raw, String query, Caller caller) {
    if (isUnder(canonical, "/admin")) {
      return Expected.problem(404, ROUTE_NOT_FOUND);
    }
    if (isUnder(canonical, API_BASE)) {
      if (caller != Caller.API_KEY) {
        return Expected.problem(401, "CLIENT_AUTH_MISSING");
      }
      int second = raw.indexOf('/', 1);
      String remainder = second < 0 ? "" : raw.substring(second);
      return Expected.forwarded(API_UPSTREAM + remainder + (query == null ? "" : "?" + query));
    }
    String first =
        canonical.indexOf('/', 1) < 0
            ? canonical
            : canonical.substring(0, canonical.indexOf('/', 1));
    if (OWN_PREFIXES.contains(first)) {
      String endpoint = withoutTrailingSlash(canonical);
      if (DATA_DOCUMENTS.contains(endpoint)) {
        return Expected.document(200);
      }
      if (endpoint.equals("/oauth2/token")) {
        return Expected.document(405); // RFC 6749 JSON, not a problem
      }
    }
    return Expected.problem(404, ROUTE_NOT_FOUND);
  }

  private static Expected admin(String canonical, Caller caller) {
    if (ADMIN_DOCUMENTS.contains(withoutTrailingSlash(canonical))) {
      return Expected.document(200);
    }
    if (!isUnder(canonical, "/admin") || canonical.equals("/admin")) {
      return Expected.problem(404, ROUTE_NOT_FOUND);
    }
    String endpoint = withoutTrailingSlash(canonical);
    if (ADMIN_GETS.stream().anyMatch(t -> matches(t, endpoint))) {
      return Expected.problem(
          401, caller == Caller.FORGED_ADMIN_TOKEN ? "ADMIN_TOKEN_INVALID" : "ADMIN_TOKEN_MISSING");
    }
    if (ADMIN_NOT_GET.stream().anyMatch(t -> matches(t, endpoint))) {
      return Expected.problem(405, "METHOD_NOT_ALLOWED");
    }
    return Expected.problem(404, "NOT_FOUND");
  }

  private static boolean isUnder(String path, String base) {
    return path.equals(base) || path.startsWith(base + "/");
  }

  private static String withoutTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static boolean matches(String template, String path) {
    String[] t = template.split("/", -1);
    String[] p = path.split("/", -1);
    if (t.length != p.length) {
      return false;
    }
    for (int i = 0; i < t.length; i++) {
      if (t[i].equals("*") ? p[i].isEmpty() : !t[i].equals(p[i])) {
        return false;
      }
    }
    return true;
  }

  private static Refusal refusal(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return Refusal.LIBERTY;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        return Refusal.LIBERTY;
      }
      if (c == '%') {
        int b = escaped(path, i);
        if (b < 0 || b < 0x20 || b == 0x7F) {
          return Refusal.LIBERTY;
        }
      }
    }
    if (climbsOrParamsAfterDots(decodeLatin1(path))) {
      return Refusal.LIBERTY;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == ';' || c == '\\' || c == '#' || c > 0x7E) {
        return Refusal.INVALID;
      }
      if (c == '%') {
        int b = escaped(path, i);
        if ("/\\;#".indexOf(b) >= 0 || isUnreserved(b)) {
          return Refusal.INVALID;
        }
      }
    }
    String canonical;
    try {
      canonical = strictUtf8(path);
    } catch (CharacterCodingException e) {
      return Refusal.INVALID;
    }
    String[] segments = canonical.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.equals(".") || s.equals("..") || (s.isEmpty() && i < segments.length - 1)) {
        return Refusal.INVALID;
      }
    }
    return null;
  }

  /** Liberty's view: path parameters after dot or leading empty segments, or a climb above root. */
  private static boolean climbsOrParamsAfterDots(String decoded) {
    String[] segments = decoded.substring(1).split("/", -1);
    int depth = 0;
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      int semicolon = s.indexOf(';');
      if (semicolon >= 0) {
        s = s.substring(0, semicolon);
        if (s.equals(".") || s.equals("..") || (s.isEmpty() && i < segments.length - 1)) {
          return true;
        }
      }
      if (s.equals("..")) {
        depth--;
        if (depth < 0) {
          return true;
        }
      } else if (!s.equals(".")) {
        depth++;
      }
    }
    return false;
  }

  private static boolean isUnreserved(int b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || "-._~".indexOf(b) >= 0;
  }

  /** The byte {@code %XX} at {@code i} stands for, or -1 when it is not two hex digits. */
  private static int escaped(String s, int i) {
    if (i + 2 >= s.length()) {
      return -1;
    }
    int high = Character.digit(s.charAt(i + 1), 16);
    int low = Character.digit(s.charAt(i + 2), 16);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
  }

  private static byte[] bytes(String path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        out.write(escaped(path, i));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static String decodeLatin1(String path) {
    return new String(bytes(path), StandardCharsets.ISO_8859_1);
  }

  private static String strictUtf8(String path) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes(path)))
        .toString();
  }

  private static String decodeUtf8(String path) {
    try {
      return strictUtf8(path);
    } catch (CharacterCodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
