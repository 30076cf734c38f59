package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.ServedApi;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Analytics across two replicas: a known number of calls per plan (and refused ones) sent to the
 * suite's gateway A and to a replica B, then {@code GET /admin/v1/analytics} returns exactly those
 * numbers per minute and per status, summed over both. Each call's minute is taken from the clock
 * around it (same machine as the gateways); a call that straddles a minute boundary may count in
 * either minute, and the totals must still be exact. B is stopped after its calls: its current
 * minute reaches the database only through the write at a clean stop.
 */
class AnalyticsIT extends OnManagedGateway {
  private static final Duration GIVE_UP = Duration.ofMinutes(3);
  private static final String NO_PLAN = "-";
  private static LibertyServer replicaB;

  private final Gateways gw = Gateways.get();

  /** One call sent: the plan it must count under, its status, and the minutes it may be in. */
  private record Sent(String plan, int status, Instant firstMinute, Instant lastMinute) {}

  @BeforeAll
  static void startReplica() {
    replicaB =
        Gateways.get()
            .newReplica("analytics", Map.of("MESHGATE_ANALYTICS_FLUSH_SECONDS", "1"))
            .start();
  }

  @AfterAll
  static void stopReplica() {
    if (replicaB != null) {
      replicaB.stop();
    }
  }

  @Test
  void callsPerPlanMinuteAndStatusAreSummedOverBothReplicas() {
    ServedApi one = ServedApi.create(gw, "analytics", true);
    String api = one.basePath().substring(1);
    String planOne = "plan-" + api;
    String planTwo = "second-" + api;
    long planTwoId =
        id(
            admin(
                "POST",
                "/admin/v1/products/" + one.productId() + "/plans",
                "{\"name\":\"" + planTwo + "\",\"title\":\"Second\"}"));
    JsonObject app = admin("POST", "/admin/v1/apps", "{\"name\":\"" + api + "-two\"}");
    admin(
        "POST",
        "/admin/v1/subscriptions",
        "{\"appId\":" + id(app) + ",\"planId\":" + planTwoId + "}");
    String keyTwo = app.getJsonObject("apiKey").getString("key");
    long revision = gw.catalogRevision();
    await(() -> revisionOf(replicaB) >= revision, "replica B caught up with revision " + revision);

    List<Sent> sent = new ArrayList<>();
    String badKey = "no-such-key-" + UUID.randomUUID();
    LibertyServer a = gw.server();
    send(sent, a, one, one.key(), planOne, 7);
    send(sent, a, one, keyTwo, planTwo, 4);
    send(sent, a, one, badKey, NO_PLAN, 3);
    send(sent, replicaB, one, one.key(), planOne, 5);
    send(sent, replicaB, one, keyTwo, planTwo, 6);
    send(sent, replicaB, one, badKey, NO_PLAN, 2);
    // B's current minute is written at its clean stop; A writes each minute once it has ended.
    replicaB.stop();

    Instant from = sent.get(0).firstMinute();
    Instant to = sent.get(sent.size() - 1).lastMinute().plus(1, ChronoUnit.MINUTES);
    String range = "&api=" + api + "&from=" + from + "&to=" + to;
    JsonObject byMinute =
        awaitAnalytics("groupBy=minute,plan" + range, sent.size(), "all " + sent.size() + " calls");

    Map<String, Long> actual = new TreeMap<>();
    for (JsonObject row : byMinute.getJsonArray("rows").getValuesAs(JsonObject.class)) {
      assertThat(row.containsKey("api")).as("not grouped by api").isFalse();
      actual.merge(row.getString("minute") + " " + row.getString("plan"), calls(row), Long::sum);
    }
    assertPerMinute(sent, actual);
    System.out.printf(
        "[%s] analytics per minute and plan over 2 replicas: %s (sent %d)%n",
        gw.db(), actual, sent.size());

    JsonObject byStatus = analytics("groupBy=status,plan" + range);
    Map<String, String> statuses = new TreeMap<>();
    for (JsonObject row : byStatus.getJsonArray("rows").getValuesAs(JsonObject.class)) {
      statuses.put(
          row.getInt("status") + " " + row.getString("plan"),
          "calls=" + calls(row) + " errors=" + row.getJsonNumber("errors").longValue());
      assertThat(row.getJsonNumber("p50Ms").doubleValue())
          .isPositive()
          .isLessThanOrEqualTo(row.getJsonNumber("p90Ms").doubleValue());
      assertThat(row.getJsonNumber("p90Ms").doubleValue())
          .isLessThanOrEqualTo(row.getJsonNumber("p99Ms").doubleValue());
    }
    assertThat(statuses)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "200 " + planOne, "calls=12 errors=0",
                "200 " + planTwo, "calls=10 errors=0",
                "401 " + NO_PLAN, "calls=5 errors=5"));

    JsonObject refused = analytics("groupBy=statusClass&statusClass=4xx" + range);
    assertThat(refused.getJsonArray("rows").getValuesAs(JsonObject.class))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getString("statusClass")).isEqualTo("4xx");
              assertThat(calls(r)).isEqualTo(5);
            });
  }

  @Test
  void aRangeThatEndsBeforeItStartsIsA400() {
    HttpResponse<String> r =
        AdminClient.send(
            "GET",
            "/admin/v1/analytics?from=2030-01-01T01:00:00Z&to=2030-01-01T00:00:00Z&top=0",
            null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = json(r.body());
    assertThat(problem.getString("errorKey")).isEqualTo("VALIDATION_FAILED");
    assertThat(problem.getJsonArray("violations").getValuesAs(JsonObject.class))
        .extracting(v -> v.getString("field"))
        .containsExactly("to", "top");
  }

  /**
   * Per (minute, plan): the calls known to be in that minute, plus at most those that straddled a
   * boundary next to it; and per plan exactly the calls sent.
   */
  private static void assertPerMinute(List<Sent> sent, Map<String, Long> actual) {
    Map<String, Long> certain = new TreeMap<>();
    Map<String, Long> possible = new TreeMap<>();
    Map<String, Long> perPlan = new TreeMap<>();
    for (Sent s : sent) {
      if (s.firstMinute().equals(s.lastMinute())) {
        certain.merge(s.firstMinute() + " " + s.plan(), 1L, Long::sum);
      }
      possible.merge(s.firstMinute() + " " + s.plan(), 1L, Long::sum);
      if (!s.firstMinute().equals(s.lastMinute())) {
        possible.merge(s.lastMinute() + " " + s.plan(), 1L, Long::sum);
      }
      perPlan.merge(s.plan(), 1L, Long::sum);
    }
    if (certain.values().stream().mapToLong(Long::longValue).sum() == sent.size()) {
      assertThat(actual).as("calls per minute and plan").isEqualTo(certain);
      return;
    }
    for (Map.Entry<String, Long> e : actual.entrySet()) {
      assertThat(e.getValue())
          .as(e.getKey())
          .isBetween(certain.getOrDefault(e.getKey(), 0L), possible.getOrDefault(e.getKey(), 0L));
    }
    Map<String, Long> actualPerPlan = new TreeMap<>();
    actual.forEach((k, v) -> actualPerPlan.merge(k.substring(k.indexOf(' ') + 1), v, Long::sum));
    assertThat(actualPerPlan).as("calls per plan").isEqualTo(perPlan);
  }

  /**
   * Sends {@code n} calls with {@code key} to {@code server}, noting the minute of each. A call is
   * not started in the last half second of a minute (the clock is polled until the minute has
   * turned), so that almost none straddles a boundary.
   */
  private static void send(
      List<Sent> sent, LibertyServer server, ServedApi api, String key, String plan, int n) {
    for (int i = 0; i < n; i++) {
      while (Instant.now()
          .plusMillis(500)
          .truncatedTo(ChronoUnit.MINUTES)
          .isAfter(Instant.now().truncatedTo(ChronoUnit.MINUTES))) {
        pause();
      }
      Instant before = Instant.now();
      HttpResponse<String> r =
          Http.get(server.uri(api.basePath() + "/a-" + UUID.randomUUID()), "X-API-Key", key);
      Instant after = Instant.now();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(plan.equals(NO_PLAN) ? 401 : 200);
      sent.add(
          new Sent(
              plan,
              r.statusCode(),
              before.truncatedTo(ChronoUnit.MINUTES),
              after.truncatedTo(ChronoUnit.MINUTES)));
    }
  }

  /** Asks until the answer counts {@code calls} calls (replicas write minutes once they ended). */
  private static JsonObject awaitAnalytics(String query, long calls, String what) {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = analytics(query);
      long counted =
          last.getJsonArray("rows").getValuesAs(JsonObject.class).stream()
              .mapToLong(AnalyticsIT::calls)
              .sum();
      if (counted >= calls) {
        return last;
      }
      pause();
    }
    throw new AssertionError("Analytics did not show " + what + " after " + GIVE_UP + ": " + last);
  }

  private static JsonObject analytics(String query) {
    HttpResponse<String> r = AdminClient.send("GET", "/admin/v1/analytics?" + query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r.body());
  }

  private static long calls(JsonObject row) {
    return row.getJsonNumber("calls").longValue();
  }

  private static void await(java.util.function.BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      pause();
    }
    throw new AssertionError("Not " + what + " after " + GIVE_UP);
  }

  /** Between two polls of something this test does not control. */
  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern REVISION =
      Pattern.compile("(?m)^meshgate_catalog_revision(?:\\{[^}]*\\})?\\s+([0-9.Ee+-]+)$");

  private static double revisionOf(LibertyServer server) {
    HttpResponse<String> r = Http.get(server.adminUri("/metrics"));
    Matcher m = REVISION.matcher(r.body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static JsonObject admin(String method, String path, String json) {
    HttpResponse<String> r = AdminClient.send(method, path, json);
    assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isBetween(200, 299);
    return json(r.body());
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  private static long id(JsonObject o) {
    return o.getJsonNumber("id").longValue();
  }
}
