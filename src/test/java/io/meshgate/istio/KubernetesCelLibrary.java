package io.meshgate.istio;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The functions Kubernetes adds to CEL for CRD validation rules that cel-java does not ship: the
 * URL library ({@code url}, {@code isURL} and the {@code URL} accessors) and {@code isIP} of the IP
 * library. They follow the Kubernetes CEL library reference and the Go code it documents ({@code
 * net/url.ParseRequestURI} then {@code url.Parse}; {@code net/netip.ParseAddr} without zones or
 * IPv4-mapped IPv6), because a rule that passes here must pass on an API server.
 *
 * <p>The string extension functions Kubernetes enables ({@code split}, {@code substring}, …) come
 * from cel-java's {@code CelExtensions.strings()}; the rest of Kubernetes' libraries (lists, regex
 * {@code find}, {@code cidr}/{@code ip} objects, {@code quantity}, {@code semver}, {@code format},
 * {@code authz}) are not provided: no rule of the bundles this project reads uses them, and a rule
 * that does would fail to compile, loudly, in {@link CrdSchemas}.
 */
final class KubernetesCelLibrary {
  /** Kubernetes' {@code URL} type; its values are {@link Url} records. */
  static final CelType URL = OpaqueType.create("kubernetes.URL");

  private KubernetesCelLibrary() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        CelFunctionDecl.newFunctionDeclaration(
            "url", CelOverloadDecl.newGlobalOverload("string_to_url", URL, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "isURL",
            CelOverloadDecl.newGlobalOverload("is_url_string", SimpleType.BOOL, SimpleType.STRING)),
        member("getScheme", "url_get_scheme", SimpleType.STRING),
        member("getHost", "url_get_host", SimpleType.STRING),
        member("getHostname", "url_get_hostname", SimpleType.STRING),
        member("getPort", "url_get_port", SimpleType.STRING),
        member("getEscapedPath", "url_get_escaped_path", SimpleType.STRING),
        member(
            "getQuery",
            "url_get_query",
            MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING))),
        CelFunctionDecl.newFunctionDeclaration(
            "isIP",
            CelOverloadDecl.newGlobalOverload("is_ip", SimpleType.BOOL, SimpleType.STRING)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("string_to_url", String.class, KubernetesCelLibrary::url),
        CelFunctionBinding.from("is_url_string", String.class, s -> Url.parse(s) != null),
        CelFunctionBinding.from("url_get_scheme", Url.class, Url::scheme),
        CelFunctionBinding.from("url_get_host", Url.class, Url::host),
        CelFunctionBinding.from("url_get_hostname", Url.class, Url::hostname),
        CelFunctionBinding.from("url_get_port", Url.class, Url::port),
        CelFunctionBinding.from("url_get_escaped_path", Url.class, Url::escapedPath),
        CelFunctionBinding.from("url_get_query", Url.class, Url::query),
        CelFunctionBinding.from("is_ip", String.class, KubernetesCelLibrary::isIp));
  }

  private static CelFunctionDecl member(String name, String overloadId, CelType result) {
    return CelFunctionDecl.newFunctionDeclaration(
        name, CelOverloadDecl.newMemberOverload(overloadId, result, URL));
  }

  private static Url url(String text) throws CelEvaluationException {
    Url parsed = Url.parse(text);
    if (parsed == null) {
      throw new CelEvaluationException(
          "URL parse error during conversion from string: " + text + " is not a valid URL");
    }
    return parsed;
  }

  // ------------------------------------------------------------------------------- URL

  /**
   * A URL as Go's {@code net/url} splits it. {@code rawPath} and {@code rawQuery} are kept as
   * written; {@code host} is the authority without user info, port included.
   */
  record Url(String scheme, String opaque, String host, String rawPath, String rawQuery) {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final String HOST_SPECIALS = "-_.~!$&'()*+,;=:[]<>\"%";
    private static final String PATH_SPECIALS = "-_.~!$&'()*+,;=:@/[]%";

    /**
     * What Kubernetes' {@code url()} accepts, else {@code null}: {@code ParseRequestURI} (an
     * absolute URI or an absolute path, no relative reference) and then {@code Parse} (which splits
     * off a {@code #fragment}) must both succeed.
     */
    static Url parse(String text) {
      if (text.isEmpty() || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        return null;
      }
      int hash = text.indexOf('#');
      String withoutFragment = hash < 0 ? text : text.substring(0, hash);
      if (hash >= 0 && unescape(text.substring(hash + 1)) == null) {
        return null;
      }
      // ParseRequestURI reads a '#' as part of the path or query: validate the whole string that
      // way too, then keep what Parse yields.
      if (parseWithoutFragment(text) == null) {
        return null;
      }
      return parseWithoutFragment(withoutFragment);
    }

    private static Url parseWithoutFragment(String text) {
      if ("*".equals(text)) {
        return new Url("", "", "", "*", "");
      }
      String scheme = "";
      String rest = text;
      if (text.startsWith(":")) {
        return null; // "missing protocol scheme"
      }
      var schemeMatch = SCHEME.matcher(text);
      if (schemeMatch.find()) {
        scheme = schemeMatch.group(1).toLowerCase(java.util.Locale.ROOT);
        rest = text.substring(schemeMatch.end());
      }
      String rawQuery = "";
      int question = rest.indexOf('?');
      if (question >= 0) {
        rawQuery = rest.substring(question + 1);
        rest = rest.substring(0, question);
      }
      if (!rest.startsWith("/")) {
        if (!scheme.isEmpty()) {
          return new Url(scheme, rest, "", "", rawQuery);
        }
        return null; // "invalid URI for request": neither absolute URI nor absolute path
      }
      String host = "";
      if (!scheme.isEmpty() && rest.startsWith("//")) {
        String authority = rest.substring(2);
        int slash = authority.indexOf('/');
        rest = slash < 0 ? "" : authority.substring(slash);
        authority = slash < 0 ? authority : authority.substring(0, slash);
        int at = authority.lastIndexOf('@');
        host = authority.substring(at + 1);
        if (!validHost(host)) {
          return null;
        }
      }
      if (unescape(rest) == null) {
        return null;
      }
      return new Url(scheme, "", host, rest, rawQuery);
    }

    private static boolean validHost(String host) {
      String port;
      if (host.startsWith("[")) {
        int close = host.lastIndexOf(']');
        if (close < 0) {
          return false;
        }
        port = host.substring(close + 1);
      } else {
        int colon = host.lastIndexOf(':');
        port = colon < 0 ? "" : host.substring(colon);
      }
      if (!validOptionalPort(port)) {
        return false;
      }
      for (char c : host.toCharArray()) {
        if (c < 0x80 && !Character.isLetterOrDigit(c) && HOST_SPECIALS.indexOf(c) < 0) {
          return false;
        }
      }
      return unescape(host) != null;
    }

    private static boolean validOptionalPort(String port) {
      return port.isEmpty()
          || (port.startsWith(":")
              && port.substring(1).chars().allMatch(c -> c >= '0' && c <= '9'));
    }

    String hostname() {
      String name = host;
      int colon = name.lastIndexOf(':');
      if (colon >= 0 && validOptionalPort(name.substring(colon))) {
        name = name.substring(0, colon);
      }
      if (name.startsWith("[") && name.endsWith("]")) {
        name = name.substring(1, name.length() - 1);
      }
      return name;
    }

    String port() {
      int colon = host.lastIndexOf(':');
      return colon >= 0 && validOptionalPort(host.substring(colon))
          ? host.substring(colon + 1)
          : "";
    }

    /**
     * Go's {@code EscapedPath}: the path as written when that is a valid encoding, else escaped.
     */
    String escapedPath() {
      boolean validEncoding =
          rawPath.chars().allMatch(c -> isUnreservedAscii(c) || PATH_SPECIALS.indexOf(c) >= 0);
      if (validEncoding || "*".equals(rawPath)) {
        return rawPath;
      }
      StringBuilder out = new StringBuilder();
      for (byte b : unescape(rawPath).getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        if (isUnreservedAscii(c) || "-_.~$&+,/:;=@".indexOf(c) >= 0) {
          out.append((char) c);
        } else {
          out.append('%').append(String.format("%02X", c));
        }
      }
      return out.toString();
    }

    /** Go's {@code Query()}: pairs that do not decode (or hold a ';') are dropped. */
    Map<String, List<String>> query() {
      Map<String, List<String>> values = new LinkedHashMap<>();
      for (String pair : rawQuery.split("&", -1)) {
        if (pair.isEmpty() || pair.contains(";")) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = unescape((eq < 0 ? pair : pair.substring(0, eq)).replace('+', ' '));
        String value = unescape((eq < 0 ? "" : pair.substring(eq + 1)).replace('+', ' '));
        if (key != null && value != null) {
          values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
      }
      return values;
    }

    private static boolean isUnreservedAscii(int c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Percent-decoding, or {@code null} for a malformed escape as Go reports it. */
    private static String unescape(String s) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '%') {
          if (i + 2 >= bytes.length
              || Character.digit(bytes[i + 1], 16) < 0
              || Character.digit(bytes[i + 2], 16) < 0) {
            return null;
          }
          out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
          i += 2;
        } else {
          out.write(bytes[i]);
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  // -------------------------------------------------------------------------------- IP

  /**
   * Kubernetes' {@code isIP}: {@code netip.ParseAddr} succeeds (dotted IPv4 without leading zeros,
   * or IPv6), there is no zone ({@code %eth0}) and the address is not IPv4-mapped IPv6.
   */
  static boolean isIp(String text) {
    if (text.indexOf(':') < 0) {
      return ipv4(text) != null;
    }
    int[] groups = ipv6(text);
    if (groups == null) {
      return false;
    }
    boolean v4Mapped = groups[5] == 0xffff;
    for (int i = 0; i < 5; i++) {
      v4Mapped &= groups[i] == 0;
    }
    return !v4Mapped;
  }

  private static int[] ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    int[] octets = new int[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty()
          || p.length() > 3
          || !p.chars().allMatch(Character::isDigit)
          || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      octets[i] = Integer.parseInt(p);
      if (octets[i] > 255) {
        return null;
      }
    }
    return octets;
  }

  /** The eight 16-bit groups of an IPv6 address (embedded dotted IPv4 allowed), else null. */
  private static int[] ipv6(String text) {
    if (text.contains("%")) {
      return null; // a zone
    }
    int ellipsis = text.indexOf("::");
    if (ellipsis >= 0 && text.indexOf("::", ellipsis + 1) >= 0) {
      return null;
    }
    List<Integer> head = groups(ellipsis < 0 ? text : text.substring(0, ellipsis), ellipsis < 0);
    List<Integer> tail = ellipsis < 0 ? List.of() : groups(text.substring(ellipsis + 2), true);
    if (head == null || tail == null) {
      return null;
    }
    int count = head.size() + tail.size();
    if (ellipsis < 0 ? count != 8 : count > 7) {
      return null;
    }
    int[] out = new int[8];
    for (int i = 0; i < head.size(); i++) {
      out[i] = head.get(i);
    }
    for (int i = 0; i < tail.size(); i++) {
      out[8 - tail.size() + i] = tail.get(i);
    }
    return out;
  }

  /** The groups of one side of {@code ::}; only the last group of an address may be dotted IPv4. */
  private static List<Integer> groups(String part, boolean ipv4Last) {
    List<Integer> out = new ArrayList<>();
    if (part.isEmpty()) {
      return out;
    }
    String[] pieces = part.split(":", -1);
    for (int i = 0; i < pieces.length; i++) {
      String p = pieces[i];
      if (ipv4Last && i == pieces.length - 1 && p.contains(".")) {
        int[] v4 = ipv4(p);
        if (v4 == null) {
          return null;
        }
        out.add(v4[0] << 8 | v4[1]);
        out.add(v4[2] << 8 | v4[3]);
      } else {
        if (p.isEmpty()
            || p.length() > 4
            || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          return null;
        }
        out.add(Integer.parseInt(p, 16));
      }
    }
    return out;
  }
}
