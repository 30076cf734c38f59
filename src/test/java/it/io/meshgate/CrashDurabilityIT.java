package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.LibertyServer;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} during 200 concurrent admin writes against PostgreSQL: every write answered 2xx
 * survives, and none is half-applied (an app without its audit row, or the reverse).
 */
class CrashDurabilityIT {
  private static final int WRITES = 200;

  @Test
  void everyAcknowledgedWriteSurvivesAKillAndNoneIsHalfApplied() throws Exception {
    Assumptions.assumeTrue(
        "postgresql".equals(System.getProperty("meshgate.it.db")),
        "the crash test runs against PostgreSQL");
    Gateways gw = Gateways.get();
    String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    LibertyServer victim = gw.newReplica("crash").start();
    String token = AdminClient.token();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    CountDownLatch firstAnswers = new CountDownLatch(40);
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (int i = 0; i < WRITES; i++) {
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
    assertThat(firstAnswers.await(60, TimeUnit.SECONDS)).as("40 writes answered").isTrue();
    victim.kill();
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    victim.start(); // restart after the crash: recovery must not lose or half-apply anything
    Set<Long> apps = new HashSet<>();
    Set<Long> audited = new HashSet<>();
    try (Connection c = gw.postgres();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("select id from app where name like '" + prefix + "%'")) {
        while (rs.next()) {
          apps.add(rs.getLong(1));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "select entity_id from audit_event where operation = 'app.create' and after_json like '%"
                  + prefix
                  + "%'")) {
        while (rs.next()) {
          audited.add(Long.parseLong(rs.getString(1)));
        }
      }
    }
    victim.stop();
    System.out.printf(
        "[crash] %d writes sent, %d acknowledged before/around the kill, %d apps present, %d audit rows%n",
        WRITES, acknowledged.size(), apps.size(), audited.size());
    assertThat(acknowledged).isNotEmpty();
    assertThat(apps).containsAll(acknowledged);
    assertThat(audited).isEqualTo(apps);
    assertThat(apps.size()).isLessThanOrEqualTo(WRITES);
  }
}
