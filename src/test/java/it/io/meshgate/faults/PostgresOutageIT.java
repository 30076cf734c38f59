package it.io.meshgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.TcpProxy;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops or freezes under a running replica (a TCP proxy of the test's own stands between
 * them; the shared PostgreSQL is never touched), three times each. Every admin write answers 503
 * {@code CATALOG_UNAVAILABLE} with {@code Retry-After} within 5 s and leaves no row behind;
 * readiness answers within 1 s without exception text; API calls the replica has cached keep
 * working, an uncached key gets 503 {@code CATALOG_UNAVAILABLE} and the token endpoint 503 {@code
 * temporarily_unavailable}; after the database returns, writes work again and every write
 * acknowledged before the outage is still there.
 */
class PostgresOutageIT extends OnManagedGateway {
  static final int ROUNDS = 3;
  static final long MAX_WRITE_MS = 5_000;
  static final long MAX_PROBE_MS = 1_000;

  /** What a health body must never show: exception names, driver messages, stack frames. */
  static final Pattern EXCEPTION_TEXT =
      Pattern.compile(
          "(?i)exception|error|sql|psql|jdbc|refused|timed? ?out|connection|postgres|\\bat [a-z]+\\.");

  private static TcpProxy proxy;
  private static LibertyServer replica;
  private static String token;
  private static final List<String> measured = new ArrayList<>();

  @BeforeAll
  static void start() {
    FaultSuite.requirePostgresql();
    proxy = FaultSuite.postgresProxy();
    Map<String, String> settings = new HashMap<>(FaultSuite.viaProxy(proxy));
    // Nothing but this test's own writes may drop the replica's caches, or "a key served before
    // the outage is served during it" would depend on timing: no Redis (other checkouts' gateways
    // publish catalog changes on the shared one), and no revision poll in the test's time (its own
    // writes drop its caches at commit; a poll lagging on a busy machine dropped them again after
    // the test had warmed them for the outage).
    settings.put("REDIS_URL", "");
    settings.put("MESHGATE_CATALOG_POLL_INTERVAL_MS", "3600000");
    replica = Gateways.get().newReplica("pg-outage", settings).start();
    token = AdminClient.token(replica, Gateways.ADMIN_CLIENT_ID, Gateways.ADMIN_CLIENT_SECRET);
  }

  @AfterAll
  static void stop() {
    FaultSuite.finish(measured, replica, proxy);
  }

  @Test
  void stoppedDatabase() throws SQLException {
    for (int round = 1; round <= ROUNDS; round++) {
      outage("stopped", round, proxy::stop);
    }
  }

  @Test
  void frozenDatabase() throws SQLException {
    for (int round = 1; round <= ROUNDS; round++) {
      outage("frozen", round, proxy::freeze);
    }
  }

  private void outage(String kind, int round, Runnable takeAway) throws SQLException {
    try {
      outageRound(kind, round, takeAway);
    } finally {
      proxy.resume(); // a failed round must not leave the next test without its database
    }
  }

  private void outageRound(String kind, int round, Runnable takeAway) throws SQLException {
    String tag = kind + "-" + round + "-" + System.nanoTime();
    HttpResponse<String> acked = admin("POST", "/admin/v1/apps", app("acked-" + tag));
    assertThat(acked.statusCode()).as(acked.body()).isEqualTo(201);
    long ackedApp = json(acked.body()).getJsonNumber("id").longValue();
    // A key this replica has looked up is served from its cache during the outage.
    assertThat(call("orders-key-1").statusCode()).isEqualTo(200);
    Map<String, Long> rowsBefore = rowCounts();

    takeAway.run();
    long slowestWrite = 0;
    for (String[] write : writes(tag, ackedApp)) {
      long start = System.nanoTime();
      HttpResponse<String> r = admin(write[0], write[1], write[2]);
      long ms = FaultSuite.elapsedMs(start);
      slowestWrite = Math.max(slowestWrite, ms);
      String what = kind + " round " + round + ": " + write[0] + " " + write[1];
      assertThat(r.statusCode()).as(what + " " + r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(json(r.body()).getString("errorKey")).as(what).isEqualTo("CATALOG_UNAVAILABLE");
      assertThat(r.headers().firstValue("Retry-After")).as(what).hasValue("5");
      assertThat(ms).as(what + " took ms").isLessThan(MAX_WRITE_MS);
    }
    long slowestProbe = 0;
    for (int i = 0; i < 3; i++) {
      for (var uri :
          List.of(
              replica.uri("/health/ready"),
              replica.uri("/health"),
              replica.adminUri("/health/ready"))) {
        long start = System.nanoTime();
        HttpResponse<String> r = Http.get(uri);
        long ms = FaultSuite.elapsedMs(start);
        slowestProbe = Math.max(slowestProbe, ms);
        assertThat(r.statusCode()).as(uri + " " + r.body()).isEqualTo(503);
        assertThat(r.body()).as(uri.toString()).doesNotContainPattern(EXCEPTION_TEXT);
        assertThat(r.body()).containsPattern("\"database\":\"(down|not answering)\"");
        assertThat(ms).as(uri + " took ms").isLessThan(MAX_PROBE_MS);
      }
    }
    HttpResponse<String> live = Http.get(replica.uri("/health/live"));
    assertThat(live.statusCode()).as(live.body()).isEqualTo(200);

    assertThat(call("orders-key-1").statusCode()).as("a cached key").isEqualTo(200);
    long start = System.nanoTime();
    HttpResponse<String> uncached = call("never-seen-" + tag);
    long uncachedMs = FaultSuite.elapsedMs(start);
    assertThat(uncached.statusCode()).as(uncached.body()).isEqualTo(503);
    assertThat(json(uncached.body()).getString("errorKey")).isEqualTo("CATALOG_UNAVAILABLE");
    assertThat(uncached.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(uncachedMs).isLessThan(MAX_WRITE_MS);
    HttpResponse<String> oauth = tokenRequest("never-seen-client-" + tag);
    assertThat(oauth.statusCode()).as(oauth.body()).isEqualTo(503);
    assertThat(json(oauth.body()).getString("error")).isEqualTo("temporarily_unavailable");
    assertThat(oauth.headers().firstValue("Retry-After")).hasValue("5");

    proxy.resume();
    long back = System.nanoTime();
    assertThat(rowCounts()).as("rows after the failed writes").isEqualTo(rowsBefore);
    HttpResponse<String> after =
        FaultSuite.await(() -> admin("POST", "/admin/v1/apps", app("after-" + tag)), 201, 15, 503);
    long writableMs = FaultSuite.elapsedMs(back);
    FaultSuite.await(() -> Http.get(replica.uri("/health/ready")), 200, 15, 503);
    long readyMs = FaultSuite.elapsedMs(back);
    assertThat(after.statusCode()).isEqualTo(201);
    Map<String, Long> expected = new LinkedHashMap<>(rowsBefore);
    expected.merge("app", 1L, Long::sum);
    expected.merge("credential", 1L, Long::sum);
    expected.merge("audit_event", 1L, Long::sum);
    assertThat(rowCounts())
        .as("rows after one write once the database is back")
        .isEqualTo(expected);
    HttpResponse<String> stillThere = admin("GET", "/admin/v1/apps/" + ackedApp, null);
    assertThat(stillThere.statusCode()).isEqualTo(200);
    assertThat(json(stillThere.body()).getString("state")).isEqualTo("active");
    measured.add(
        String.format(
            "[postgresql %s, round %d] slowest admin write %d ms, slowest probe %d ms,"
                + " uncached call %d ms; writable %d ms and ready %d ms after the database returned",
            kind, round, slowestWrite, slowestProbe, uncachedMs, writableMs, readyMs));
  }

  /** One write of each kind: creations, state changes and a delete, on the admin API. */
  private static List<String[]> writes(String tag, long ackedApp) {
    return List.of(
        new String[] {"POST", "/admin/v1/apps", app("lost-" + tag)},
        new String[] {
          "POST",
          "/admin/v1/apis",
          "{\"name\":\"lost-"
              + tag
              + "\",\"version\":\"v1\",\"basePath\":\"/lost-"
              + tag
              + "\",\"upstreamUrl\":\"http://127.0.0.1:1/x\",\"steps\":[{\"policy\":\"client-auth\"}]}"
        },
        new String[] {
          "POST", "/admin/v1/products", "{\"name\":\"lost-" + tag + "\",\"title\":\"Lost\"}"
        },
        new String[] {"POST", "/admin/v1/apps/" + ackedApp + "/credentials", "{}"},
        new String[] {"POST", "/admin/v1/apps/" + ackedApp + "/suspend", null},
        new String[] {"DELETE", "/admin/v1/apps/" + ackedApp, null},
        new String[] {"POST", "/admin/v1/keys", "{\"publish\":false}"});
  }

  private static String app(String name) {
    return "{\"name\":\"" + name + "\",\"owner\":\"fault suite\"}";
  }

  private static HttpResponse<String> admin(String method, String path, String json) {
    return AdminClient.send(replica, token, method, path, json);
  }

  private static HttpResponse<String> call(String key) {
    return Http.get(replica.uri("/orders/items"), "X-API-Key", key);
  }

  private static HttpResponse<String> tokenRequest(String clientId) {
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString((clientId + ":secret").getBytes(StandardCharsets.UTF_8));
    return Http.send(
        HttpRequest.newBuilder(replica.uri("/oauth2/token"))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
  }

  /** Row counts of every catalog table, read directly from PostgreSQL (not through the proxy). */
  private static Map<String, Long> rowCounts() throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = Gateways.get().postgres();
        Statement s = c.createStatement()) {
      for (String table :
          List.of(
              "api",
              "api_policy_step",
              "product",
              "product_api",
              "plan",
              "app",
              "credential",
              "subscription",
              "signing_key",
              "audit_event")) {
        try (ResultSet rs = s.executeQuery("select count(*) from " + table)) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    }
    return counts;
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }
}
