package it.io.meshgate.hostile;

import it.io.meshgate.hostile.Input.Port;
import it.io.meshgate.support.StubUpstream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header table: every field a client could use to choose its plan, its identity, its address,
 * the scheme or what Liberty believes about the connection (its private {@code $WS*} fields), in
 * every spelling. A proxied call must reach the upstream with only the gateway's values; a call to
 * an API that denies the caller's address or client id must stay denied.
 */
final class HeaderSpoofs {
  static final String TABLE = "headers";

  /** name, spoofed value: every value carries "spoof" or the address 10.66.0.1. */
  private static final List<String[]> FIELDS =
      List.of(
          new String[] {"x-client-plan", "spoof-premium"},
          new String[] {"x-client-id", "spoof-client"},
          new String[] {"x-api-product", "spoof-product"},
          new String[] {"x-meshgate-plan", "spoof"},
          new String[] {"x-envoy-original-path", "/spoof"},
          new String[] {"x-envoy-internal", "spoof"},
          new String[] {"x-istio-attributes", "spoof"},
          new String[] {"x-forwarded-client-cert", "By=spiffe://spoof"},
          new String[] {"x-forwarded-for", "10.66.0.1"},
          new String[] {"x-forwarded-proto", "https-spoof"},
          new String[] {"x-forwarded-host", "spoof.example"},
          new String[] {"x-forwarded-port", "spoof-443"},
          new String[] {"x-forwarded-prefix", "/spoof"},
          new String[] {"forwarded", "for=10.66.0.1;proto=https;host=spoof.example"},
          new String[] {"x-real-ip", "10.66.0.1"},
          new String[] {"$WSSC", "https"},
          new String[] {"$WSIS", "true"},
          new String[] {"$WSRA", "10.66.0.1"},
          new String[] {"$WSRH", "spoof.example"},
          new String[] {"$WSSN", "spoof.example"},
          new String[] {"$WSSP", "6666"},
          new String[] {"$WSPR", "HTTP/2.0"},
          new String[] {"$WSAT", "spoof"},
          new String[] {"$WSCC", "spoof"},
          new String[] {"$WSCS", "spoof"},
          new String[] {"$WSKS", "spoof"},
          new String[] {"$WSRU", "spoof"},
          new String[] {"$WSSI", "spoof"},
          new String[] {"$WSPT", "spoof"},
          new String[] {"_WS_HAPRT_WLMVERSION", "spoof"});

  /** Fields that could make a denied address look allowed. */
  private static final List<String[]> ADDRESS_FIELDS =
      List.of(
          new String[] {"X-Forwarded-For", "10.66.0.1"},
          new String[] {"X-Real-IP", "10.66.0.1"},
          new String[] {"Forwarded", "for=10.66.0.1"},
          new String[] {"$WSRA", "10.66.0.1"},
          new String[] {"$WSRH", "10.66.0.1"},
          new String[] {"X-Forwarded-Client-Cert", "By=spiffe://spoof"});

  private HeaderSpoofs() {}

  static List<Input> all(Markers markers) {
    List<Input> inputs = new ArrayList<>();
    for (String[] field : FIELDS) {
      for (String lines : spellings(field[0], field[1])) {
        String marker = markers.next();
        inputs.add(
            Input.of(
                    TABLE,
                    "proxied with " + lines.replace("\r\n", " | "),
                    Port.DATA,
                    "GET /orders/h?m="
                        + marker
                        + " HTTP/1.1\r\nHost: gateway.example\r\nX-API-Key: orders-key-1\r\n"
                        + lines
                        + "\r\n",
                    Expected.forwarded(PathRules.API_UPSTREAM + "/h?m=" + marker),
                    marker)
                .checking(HeaderSpoofs::onlyTheGatewaysValues));
      }
    }
    for (String[] field : ADDRESS_FIELDS) {
      denied(inputs, markers, "/private/h", "orders-key-1", field[0], field[1]);
    }
    denied(inputs, markers, "/vip/h", "other-key", "X-Client-Id", "orders-client");
    return inputs;
  }

  /** A call the API refuses (address or client id not allowed), whatever the field says. */
  private static void denied(
      List<Input> inputs, Markers markers, String path, String key, String name, String value) {
    for (String lines : spellings(name, value)) {
      String marker = markers.next();
      inputs.add(
          Input.of(
              TABLE,
              "refused at " + path + " with " + lines.replace("\r\n", " | "),
              Port.DATA,
              "GET "
                  + path
                  + "?m="
                  + marker
                  + " HTTP/1.1\r\nHost: gateway.example\r\nX-API-Key: "
                  + key
                  + "\r\n"
                  + lines
                  + "\r\n",
              Expected.problem(403, "ACCESS_DENIED"),
              marker));
    }
  }

  /** One field in every spelling: as is, upper, lower, '_' for '-', twice, named in Connection. */
  private static Set<String> spellings(String name, String value) {
    Set<String> out = new LinkedHashSet<>();
    out.add(name + ": " + value + "\r\n");
    out.add(name.toUpperCase(Locale.ROOT) + ": " + value + "\r\n");
    out.add(name.toLowerCase(Locale.ROOT) + ": " + value + "\r\n");
    out.add(name.replace('-', '_') + ": " + value + "\r\n");
    out.add(name + ": " + value + "\r\n" + name + ": " + value + "-2\r\n");
    out.add("Connection: " + name + "\r\n" + name + ": " + value + "\r\n");
    out.add(name + ":" + value + "   \r\n");
    return out;
  }

  /** What the upstream must see: the gateway's own values, nothing the client spoofed. */
  static String onlyTheGatewaysValues(StubUpstream.Received r) {
    StringBuilder wrong = new StringBuilder();
    r.headers()
        .forEach(
            (name, values) -> {
              String normalized = name.replace('_', '-');
              if (normalized.startsWith("$ws") || normalized.equals("-ws-haprt-wlmversion")) {
                wrong.append("forwarded ").append(name).append("; ");
              }
              for (String v : values) {
                if (v.contains("spoof") || v.contains("10.66.0.1")) {
                  wrong.append("forwarded ").append(name).append(": ").append(v).append("; ");
                }
              }
            });
    expectOnly(r, "x-forwarded-for", "127.0.0.1", wrong);
    expectOnly(r, "x-forwarded-proto", "http", wrong);
    expectOnly(r, "x-forwarded-host", "gateway.example", wrong);
    expectOnly(r, "x-client-plan", "gold", wrong);
    expectOnly(r, "x-client-id", "orders-client", wrong);
    expectOnly(r, "x-api-product", "shop", wrong);
    List<String> auth = r.header("authorization");
    if (auth.size() != 1 || !auth.get(0).startsWith("Bearer ey")) {
      wrong.append("authorization ").append(auth).append("; ");
    }
    return wrong.length() == 0 ? null : wrong.toString();
  }

  private static void expectOnly(
      StubUpstream.Received r, String name, String value, StringBuilder wrong) {
    List<String> seen = new ArrayList<>();
    r.headers()
        .forEach(
            (n, values) -> {
              if (n.replace('_', '-').equals(name)) {
                seen.addAll(values);
              }
            });
    if (!seen.equals(List.of(value))) {
      wrong.append(name).append(' ').append(seen).append(" (expected ").append(value).append("); ");
    }
  }
}
