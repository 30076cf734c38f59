package it.io.meshgate.hostile;

import io.meshgate.token.BadTokens;
import it.io.meshgate.hostile.Input.Port;
import it.io.meshgate.support.Gateways;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The credentials table: API keys that are not keys, secrets that are not the secret, Basic and
 * Bearer headers that do not parse, and every token of the {@link BadTokens} catalogue on the two
 * paths that take the gateway's own tokens (an OAuth-only API and the admin API). Each is refused
 * with its documented 401 or 403 and reaches nothing.
 */
final class Credentials {
  static final String TABLE = "credentials";

  private static final List<String> BAD_KEYS =
      List.of(
          "orders-key-2",
          "ORDERS-KEY-1",
          "Orders-key-1",
          "orders-key-1x",
          "orders-key-",
          "orders-key-1 x",
          "x",
          "0",
          "-1",
          "null",
          "undefined",
          "true",
          "[]",
          "{}",
          "\"orders-key-1\"",
          "'orders-key-1'",
          "orders-key-1,orders-key-1",
          "orders-key-1;",
          "%6Frders-key-1",
          "orders%2Dkey%2D1",
          "b3JkZXJzLWtleS0x",
          "' OR '1'='1",
          "orders-key-1' --",
          "*",
          "%",
          "..\\..\\etc\\passwd",
          "${jndi:ldap://127.0.0.1/x}",
          "#{7*7}",
          "\u00e9\u00e9",
          "orders\u00adkey-1",
          "a".repeat(65),
          "a".repeat(256),
          "a".repeat(4096),
          "a".repeat(60_000),
          "other-key ",
          "free-demo-key-x",
          "Bearer orders-key-1",
          "orders-client",
          "orders-secret");

  private static final List<String> BAD_SECRETS =
      List.of(
          "wrong",
          "ORDERS-SECRET",
          "orders-secret-",
          "orders-secre",
          "",
          "orders-key-1",
          "other-secret",
          "a".repeat(10_000),
          "' OR '1'='1",
          "\u00e9");

  private static final String INVALID = "CLIENT_AUTH_INVALID";
  private static final String MISSING = "CLIENT_AUTH_MISSING";

  private Credentials() {}

  private static String[] row(String name, String fields, String query, String errorKey) {
    return new String[] {name, fields, query, "401", errorKey};
  }

  static List<Input> all(
      Markers markers, List<BadTokens.Bad> oauthTokens, List<BadTokens.Bad> adminTokens) {
    List<Input> inputs = new ArrayList<>();
    // name, header fields, extra query, status, errorKey
    List<String[]> rows = new ArrayList<>();
    for (String key : BAD_KEYS) {
      rows.add(row("API key " + key, "X-API-Key: " + key + "\r\n", "", INVALID));
      // A query over what the mesh accepts is refused before any policy looks at the key.
      boolean tooLong = key.length() > Gateways.MAX_UPSTREAM_HEADER_BYTES;
      rows.add(
          new String[] {
            "API key in the query " + key,
            "",
            "&apikey=" + query(key),
            tooLong ? "431" : "401",
            tooLong ? "REQUEST_HEADERS_TOO_LARGE" : INVALID
          });
    }
    rows.add(row("empty API key", "X-API-Key:\r\n", "", MISSING));
    rows.add(row("blank API key", "X-API-Key:    \r\n", "", MISSING));
    rows.add(row("a bad key first", "X-API-Key: nope\r\nX-API-Key: orders-key-1\r\n", "", INVALID));
    rows.add(
        new String[] {
          "no subscription", "X-API-Key: lonely-key\r\n", "", "403", "SUBSCRIPTION_REQUIRED"
        });
    rows.add(
        new String[] {"pending", "X-API-Key: pending-key\r\n", "", "403", "SUBSCRIPTION_PENDING"});
    rows.add(
        new String[] {
          "suspended", "X-API-Key: suspended-key\r\n", "", "403", "SUBSCRIPTION_SUSPENDED"
        });
    for (String secret : BAD_SECRETS) {
      rows.add(
          row(
              "client secret " + secret,
              "X-Client-Id: orders-client\r\nX-Client-Secret: " + secret + "\r\n",
              "",
              INVALID));
      rows.add(
          row(
              "Basic secret " + secret,
              "Authorization: Basic " + base64("orders-client:" + secret) + "\r\n",
              "",
              INVALID));
    }
    String[][] authorizations = {
      {"Basic !!!", INVALID},
      {"Basic " + base64("no-colon"), INVALID},
      {"Basic " + base64(":orders-secret"), INVALID},
      {"Basic " + base64("nobody:orders-secret"), INVALID},
      {"Basic " + base64("orders-client:orders-secret") + "=", INVALID},
      {"Basic " + base64("orders-client:orders-secret") + "x", INVALID},
      {"Basic =", INVALID},
      {"Basic", MISSING},
      {"Bearer x.y.z", MISSING},
      {"Bearer", MISSING},
      {"Token orders-key-1", MISSING},
      {"ApiKey orders-key-1", MISSING},
      {"orders-key-1", MISSING},
    };
    for (String[] a : authorizations) {
      rows.add(row("Authorization " + a[0], "Authorization: " + a[0] + "\r\n", "", a[1]));
    }
    rows.add(row("client id alone", "X-Client-Id: orders-client\r\n", "", INVALID));
    rows.add(row("secret alone", "X-Client-Secret: orders-secret\r\n", "", INVALID));
    for (String[] r : rows) {
      inputs.add(data(markers, r[0], r[1], r[2], Integer.parseInt(r[3]), r[4]));
    }
    for (BadTokens.Bad bad : oauthTokens) {
      String marker = markers.next();
      inputs.add(
          Input.of(
              TABLE,
              "OAuth bearer: " + bad.defect(),
              Port.DATA,
              "GET /bearer-only/t?m="
                  + marker
                  + " HTTP/1.1\r\nHost: gateway.example\r\n"
                  + "Authorization: Bearer "
                  + bad.token()
                  + "\r\n\r\n",
              Expected.problem(401, "CLIENT_AUTH_INVALID"),
              marker));
    }
    for (BadTokens.Bad bad : adminTokens) {
      inputs.add(
          admin(
              markers,
              "admin token: " + bad.defect(),
              "Bearer " + bad.token(),
              "ADMIN_TOKEN_INVALID"));
    }
    String[][] malformed = {
      {"Bearer", "ADMIN_TOKEN_MISSING"},
      {"Bearer ", "ADMIN_TOKEN_MISSING"},
      {"Basic " + base64("it-admin:wrong"), "ADMIN_TOKEN_MISSING"},
      {"Token x", "ADMIN_TOKEN_MISSING"},
      {"Bearer x", "ADMIN_TOKEN_INVALID"},
      {"Bearer x.y.z", "ADMIN_TOKEN_INVALID"},
      {"bearer " + HostileInputIT.FORGED_ADMIN_TOKEN, "ADMIN_TOKEN_INVALID"},
      {"BEARER " + HostileInputIT.FORGED_ADMIN_TOKEN, "ADMIN_TOKEN_INVALID"},
      {"Bearer  " + HostileInputIT.FORGED_ADMIN_TOKEN, "ADMIN_TOKEN_INVALID"},
      {"Bearer orders-key-1", "ADMIN_TOKEN_INVALID"},
    };
    for (String[] m : malformed) {
      inputs.add(
          admin(
              markers,
              "admin Authorization " + m[0].substring(0, Math.min(30, m[0].length())),
              m[0],
              m[1]));
    }
    return inputs;
  }

  private static Input data(
      Markers markers, String name, String fields, String query, int status, String key) {
    String marker = markers.next();
    return Input.of(
        TABLE,
        PathSpellings.printable(name.length() > 80 ? name.substring(0, 80) + "..." : name),
        Port.DATA,
        "GET /orders/c?m="
            + marker
            + query
            + " HTTP/1.1\r\nHost: gateway.example\r\n"
            + fields
            + "\r\n",
        Expected.problem(status, key),
        marker);
  }

  private static Input admin(Markers markers, String name, String authorization, String key) {
    String marker = markers.next();
    return Input.of(
        TABLE,
        name,
        Port.ADMIN,
        "GET /admin/v1/apps?m="
            + marker
            + " HTTP/1.1\r\nHost: gateway.example\r\nAuthorization: "
            + authorization
            + "\r\n\r\n",
        Expected.problem(401, key),
        marker);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String query(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
