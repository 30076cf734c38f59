package it.io.meshgate.hostile;

import it.io.meshgate.hostile.Input.Port;
import it.io.meshgate.hostile.PathRules.Caller;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The path table: every spelling below applied to every segment of a few paths that matter (admin
 * endpoints, the token endpoint, an API, a well-known document, the admin port's metrics and
 * OpenAPI document, nothing), sent to both ports by two callers each, each expecting what {@link
 * PathRules} says.
 */
final class PathSpellings {
  static final String TABLE = "paths";

  private static final List<String> BASES =
      List.of(
          "/admin/v1/apps",
          "/admin/v1/keys/k1",
          "/admin/oauth2/token",
          "/orders/a/b",
          "/.well-known/jwks.json",
          "/metrics",
          "/openapi",
          "/nothing/x");

  /** How one segment is respelled. */
  private static final Map<String, UnaryOperator<String>> SEGMENT = new LinkedHashMap<>();

  static {
    SEGMENT.put("first character escaped", s -> hex(s.charAt(0), true) + s.substring(1));
    SEGMENT.put(
        "first character escaped, lower-case hex", s -> hex(s.charAt(0), false) + s.substring(1));
    SEGMENT.put("every character escaped", PathSpellings::escapeAll);
    SEGMENT.put(
        "escape escaped (%25)", s -> "%25" + hex(s.charAt(0), true).substring(1) + s.substring(1));
    SEGMENT.put("upper case", s -> s.toUpperCase(Locale.ROOT));
    SEGMENT.put("trailing ;", s -> s + ";");
    SEGMENT.put("matrix parameter", s -> s + ";x=1");
    SEGMENT.put(";jsessionid", s -> s + ";jsessionid=1");
    SEGMENT.put(";JSESSIONID", s -> s + ";JSESSIONID=1");
    SEGMENT.put("%3B", s -> s + "%3B");
    SEGMENT.put("%3bx=1", s -> s + "%3bx=1");
    SEGMENT.put("%2F inside", s -> s + "%2Fx");
    SEGMENT.put("%2f..%2f", s -> s + "%2f..%2f");
    SEGMENT.put("%5C", s -> s + "%5C");
    SEGMENT.put("backslash", s -> s + "\\");
    SEGMENT.put("%00", s -> s + "%00");
    SEGMENT.put("%0a", s -> s + "%0a");
    SEGMENT.put("%0D%0A", s -> s + "%0D%0AX-Injected:%201");
    SEGMENT.put("%zz", s -> s + "%zz");
    SEGMENT.put("trailing %", s -> s + "%");
    SEGMENT.put("%u0061", s -> s + "%u0061");
    SEGMENT.put("overlong '.'", s -> s + "%C0%AE");
    SEGMENT.put("overlong '/'", s -> s + "%C0%AF");
    SEGMENT.put("%FF", s -> s + "%FF");
    SEGMENT.put("surrogate", s -> s + "%ED%A0%80");
    SEGMENT.put("%20", s -> s + "%20");
    SEGMENT.put("%25", s -> s + "%25");
    SEGMENT.put("%23", s -> s + "%23");
    SEGMENT.put("%3F", s -> s + "%3F");
    SEGMENT.put("raw tab", s -> s + "\t");
    SEGMENT.put("raw DEL", s -> s + "\u007f");
    SEGMENT.put("raw non-ASCII byte", s -> s + "\u00e9");
    SEGMENT.put("UTF-8 escape", s -> s + "%C3%A9");
    SEGMENT.put("right-to-left override", s -> s + "%E2%80%AE");
    SEGMENT.put("./ before", s -> "./" + s);
    SEGMENT.put("x/../ before", s -> "x/../" + s);
    SEGMENT.put("../ before", s -> "../" + s);
    SEGMENT.put("%2e%2e/ before", s -> "%2e%2e/" + s);
    SEGMENT.put("%2e/ before", s -> "%2e/" + s);
    SEGMENT.put(".%2E/ before", s -> ".%2E/" + s);
    SEGMENT.put("empty segment before", s -> "/" + s);
    SEGMENT.put("..;/ before", s -> "..;/" + s);
    SEGMENT.put(".;/ before", s -> ".;/" + s);
    SEGMENT.put(";/ before", s -> ";/" + s);
    SEGMENT.put("/.. after", s -> s + "/..");
    SEGMENT.put("/. after", s -> s + "/.");
  }

  private PathSpellings() {}

  /** Every spelling, on both ports, each by two callers; markers in the query. */
  static List<Input> all(Markers markers, String forgedAdminToken) {
    Set<String> targets = new LinkedHashSet<>();
    for (String base : BASES) {
      targets.add(base);
      targets.add(base + "/");
      String[] segments = base.substring(1).split("/");
      for (UnaryOperator<String> respell : SEGMENT.values()) {
        for (int i = 0; i < segments.length; i++) {
          String[] changed = segments.clone();
          changed[i] = respell.apply(segments[i]);
          targets.add("/" + String.join("/", changed));
        }
      }
    }
    List<Input> inputs = new ArrayList<>();
    for (String target : targets) {
      for (Caller caller : List.of(Caller.NONE, Caller.API_KEY)) {
        inputs.add(input(markers, Port.DATA, target, caller, "X-API-Key: orders-key-1\r\n"));
      }
      for (Caller caller : List.of(Caller.NONE, Caller.FORGED_ADMIN_TOKEN)) {
        inputs.add(
            input(
                markers,
                Port.ADMIN,
                target,
                caller,
                "Authorization: Bearer " + forgedAdminToken + "\r\n"));
      }
    }
    return inputs;
  }

  private static Input input(
      Markers markers, Port port, String path, Caller caller, String credential) {
    String marker = markers.next();
    String target = path + "?m=" + marker;
    String request =
        "GET "
            + target
            + " HTTP/1.1\r\nHost: gateway.example\r\n"
            + (caller == Caller.NONE ? "" : credential)
            + "\r\n";
    return Input.of(
        TABLE,
        port + " " + caller + " " + printable(path),
        port,
        request,
        PathRules.expect(port, target, caller),
        marker);
  }

  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c < 0x20 || c >= 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  private static String hex(char c, boolean upper) {
    String h = String.format("%%%02X", (int) c);
    return upper ? h : h.toLowerCase(Locale.ROOT);
  }

  private static String escapeAll(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(hex(c, true));
    }
    return out.toString();
  }
}
