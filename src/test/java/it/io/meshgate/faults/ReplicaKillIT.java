package it.io.meshgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.BackToBack;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.ServedApi;
import jakarta.json.Json;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * {@code kill -9} of one of two replicas sharing PostgreSQL and Redis, under API calls and admin
 * writes on both, three times. Replica A answers every call and every write, during the kill and
 * after it. A client of the killed replica B gets either a normal answer or a connection error
 * (reset or refused: no HTTP answer at all, which a load balancer or the Istio sidecar retries on
 * another replica), never an error status. Every write either replica acknowledged is there
 * afterwards, read through A; B, started again, serves at once and sees what A wrote meanwhile.
 */
class ReplicaKillIT extends OnManagedGateway {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int BEFORE_KILL = 20;
  private static final int AFTER_KILL = 50;
  private static final int WRITES_BEFORE_KILL = 3;

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private static Gateways gw;
  private static LibertyServer b;
  private static ServedApi api;

  @BeforeAll
  static void startReplicaB() {
    gw = Gateways.get();
    api = ServedApi.create(gw, "kill", true);
    b = gw.newReplica("victim").start();
  }

  @AfterAll
  static void stopReplicaB() {
    if (b != null) {
      b.stop();
    }
  }

  @RepeatedTest(3)
  void theOtherReplicaServesAndNothingAcknowledgedIsLost(RepetitionInfo round) throws Exception {
    LibertyServer a = gw.server();
    String prefix = "kill-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    AtomicBoolean killing = new AtomicBoolean();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    Map<Long, String> acknowledged = new ConcurrentHashMap<>();
    CountDownLatch bServed = new CountDownLatch(BEFORE_KILL);
    CountDownLatch bWrote = new CountDownLatch(WRITES_BEFORE_KILL);
    CountDownLatch aServedAfter = new CountDownLatch(AFTER_KILL);
    BackToBack load = new BackToBack();
    for (LibertyServer server : List.of(a, b)) {
      String name = server == a ? "A" : "B";
      load.start(
          "kill-caller-" + name,
          n -> call(server.uri(api.basePath() + "/" + n), "X-API-Key", api.key()),
          (response, error) ->
              judge(
                  name,
                  "call",
                  response,
                  error,
                  200,
                  server == a,
                  killing,
                  wrong,
                  () -> {
                    if (server == a && killing.get()) {
                      aServedAfter.countDown();
                    } else if (server == b) {
                      bServed.countDown();
                    }
                  }));
      load.start(
          "kill-writer-" + name,
          n -> write(server, prefix + name + "-" + n),
          (response, error) ->
              judge(
                  name,
                  "write",
                  response,
                  error,
                  201,
                  server == a,
                  killing,
                  wrong,
                  () -> {
                    acknowledged.put(id(response), name);
                    if (server == b && !killing.get()) {
                      bWrote.countDown();
                    }
                  }));
    }
    try {
      assertThat(bServed.await(DEADLINE.toSeconds(), TimeUnit.SECONDS))
          .as("B answered %d calls before the kill", BEFORE_KILL)
          .isTrue();
      // A freshly started B answers its first admin write well after its first calls; the kill
      // waits for acknowledged writes on B too, or there would be nothing of B's to check.
      assertThat(bWrote.await(DEADLINE.toSeconds(), TimeUnit.SECONDS))
          .as("B acknowledged %d writes before the kill", WRITES_BEFORE_KILL)
          .isTrue();
      killing.set(true);
      b.kill();
      assertThat(aServedAfter.await(DEADLINE.toSeconds(), TimeUnit.SECONDS))
          .as("A answered %d calls after the kill", AFTER_KILL)
          .isTrue();
    } finally {
      load.stop(DEADLINE.toSeconds());
      b.start(); // the killed replica comes back, for the checks below and the next round
    }

    assertThat(wrong).as("wrong answers in round %d", round.getCurrentRepetition()).isEmpty();
    List<Long> lost = new ArrayList<>();
    for (Long id : acknowledged.keySet()) {
      if (AdminClient.send("GET", "/admin/v1/apps/" + id, null).statusCode() != 200) {
        lost.add(id);
      }
    }
    HttpResponse<String> served =
        call(b.uri(api.basePath() + "/after-restart"), "X-API-Key", api.key());
    long writtenByA =
        acknowledged.entrySet().stream().filter(e -> e.getValue().equals("A")).count();
    long lastByA =
        acknowledged.entrySet().stream()
            .filter(e -> e.getValue().equals("A"))
            .mapToLong(Map.Entry::getKey)
            .max()
            .orElseThrow();
    HttpResponse<String> seenByB =
        AdminClient.send(b, AdminClient.token(), "GET", "/admin/v1/apps/" + lastByA, null);
    System.out.printf(
        "[replica kill %d/3] writes acknowledged: %d by A, %d by B; lost: %d%n",
        round.getCurrentRepetition(), writtenByA, acknowledged.size() - writtenByA, lost.size());
    assertThat(lost).isEmpty();
    assertThat(acknowledged).containsValue("B");
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(seenByB.statusCode()).as(seenByB.body()).isEqualTo(200);
  }

  /**
   * Replica A must answer {@code expected} every time. Replica B must answer {@code expected} until
   * it is killed; from the kill on, a connection error is its documented answer.
   */
  private static void judge(
      String replica,
      String what,
      HttpResponse<String> response,
      Throwable error,
      int expected,
      boolean survivor,
      AtomicBoolean killing,
      ConcurrentLinkedQueue<String> wrong,
      Runnable onSuccess) {
    if (error == null && response.statusCode() == expected) {
      onSuccess.run();
    } else if (error != null && !survivor && killing.get()) {
      return; // B is gone: no HTTP answer
    } else {
      wrong.add(
          replica
              + " "
              + what
              + ": "
              + (error != null ? error : response.statusCode() + " " + response.body()));
    }
  }

  private static HttpResponse<String> call(URI uri, String... headers)
      throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(uri).headers(headers).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> write(LibertyServer server, String name)
      throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(server.adminUri("/admin/v1/apps"))
            .header("Authorization", "Bearer " + AdminClient.token())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long id(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body()))
        .readObject()
        .getJsonNumber("id")
        .longValue();
  }
}
