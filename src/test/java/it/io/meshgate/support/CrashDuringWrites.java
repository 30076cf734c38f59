package it.io.meshgate.support;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One {@code kill -9} during concurrent admin writes against PostgreSQL: a replica of the suite's
 * gateway gets {@code writes} concurrent {@code POST /admin/v1/apps}, is killed once 40 of them are
 * answered, and is started again. Used by {@code CrashDurabilityIT} (once) and by the fault suite
 * (three times).
 */
public final class CrashDuringWrites {
  private static final int ANSWERED_BEFORE_KILL = 40;

  /**
   * What one run saw.
   *
   * @param acknowledged ids of the apps whose create was answered 2xx
   * @param apps ids of the apps of this run in the database after the restart
   * @param audited ids of those with an {@code app.create} audit row
   */
  public record Result(int sent, Set<Long> acknowledged, Set<Long> apps, Set<Long> audited) {
    /** Every acknowledged write survived, and none is half-applied (app without audit row). */
    public void assertNothingLostOrHalfApplied() {
      System.out.printf(
          "[crash] %d writes sent, %d acknowledged before/around the kill, %d apps present, %d"
              + " audit rows%n",
          sent, acknowledged.size(), apps.size(), audited.size());
      assertThat(acknowledged).isNotEmpty();
      assertThat(apps).containsAll(acknowledged);
      assertThat(audited).isEqualTo(apps);
      assertThat(apps.size()).isLessThanOrEqualTo(sent);
    }
  }

  private CrashDuringWrites() {}

  /** Runs the scenario on a replica named {@code replica} of {@code gw}, which it stops after. */
  public static Result run(Gateways gw, String replica, int writes) throws Exception {
    String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    LibertyServer victim = gw.newReplica(replica).start();
    try {
      String token = AdminClient.token();
      // HTTP/1.1: with the JDK's default (HTTP/2, upgraded from HTTP/1.1 on each new connection),
      // 200 concurrent upgrades made Liberty 26.0.0.3 fail requests ("scheme" is null in
      // SRTServletRequest.getRequestURL) and hang connections, so no write was even attempted.
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();

      Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
      CountDownLatch firstAnswers = new CountDownLatch(ANSWERED_BEFORE_KILL);
      List<CompletableFuture<Void>> calls = new ArrayList<>();
      for (int i = 0; i < writes; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(victim.adminUri("/admin/v1/apps"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + prefix + i + "\"}"))
                .build();
        calls.add(
            client
                .sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle(
                    (r, error) -> {
                      if (r != null && r.statusCode() / 100 == 2) {
                        acknowledged.add(
                            Json.createReader(new StringReader(r.body()))
                                .readObject()
                                .getJsonNumber("id")
                                .longValue());
                      }
                      firstAnswers.countDown();
                      return null;
                    }));
      }
      assertThat(firstAnswers.await(60, TimeUnit.SECONDS))
          .as(ANSWERED_BEFORE_KILL + " writes answered")
          .isTrue();
      victim.kill();
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      victim.start(); // restart after the crash: recovery must not lose or half-apply anything
      return new Result(
          writes,
          Set.copyOf(acknowledged),
          ids(gw, "select id from app where name like '" + prefix + "%'"),
          ids(
              gw,
              "select entity_id from audit_event where operation = 'app.create' and after_json"
                  + " like '%"
                  + prefix
                  + "%'"));
    } finally {
      victim.stop();
    }
  }

  private static Set<Long> ids(Gateways gw, String query) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Connection c = gw.postgres();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        ids.add(Long.parseLong(rs.getString(1)));
      }
    }
    return ids;
  }
}
