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
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A change made through the admin API of replica A is enforced by replica B, which shares the
 * database (and, in the PostgreSQL suite, Redis with polling slowed to 30 s), within 2 seconds.
 */
class ReplicaPropagationIT extends OnManagedGateway {
  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final Duration GIVE_UP = Duration.ofSeconds(10);
  private static LibertyServer replica;

  private final Gateways gw = Gateways.get();

  @BeforeAll
  static void startReplica() {
    replica = Gateways.get().newReplica("b").start();
  }

  @AfterAll
  static void stopReplica() {
    if (replica != null) {
      replica.stop();
    }
  }

  @Test
  void keyRevokedOnAIsRefusedByBWithinTwoSeconds() {
    ServedApi f = ServedApi.create(gw, "prop", true);
    millisUntil(
        f.basePath(),
        f.key(),
        status -> status == 200); // B has seen the fixture and cached the key

    admin(
        "POST",
        "/admin/v1/apps/" + f.appId() + "/credentials/" + f.credentialId() + "/revoke",
        null);
    long ms = millisUntil(f.basePath(), f.key(), status -> status == 401);

    System.out.printf(
        "[%s%s] revoked key refused by replica B after %d ms%n",
        gw.db(), gw.redis() ? "+redis" : "", ms);
    assertThat(ms).isLessThanOrEqualTo(BOUND.toMillis());
  }

  @Test
  void subscriptionSuspendedOnAIsRefusedByBWithinTwoSeconds() {
    ServedApi f = ServedApi.create(gw, "prop", true);
    millisUntil(f.basePath(), f.key(), status -> status == 200);

    admin("POST", "/admin/v1/subscriptions/" + f.subscriptionId() + "/suspend", null);
    long ms = millisUntil(f.basePath(), f.key(), status -> status == 403);

    System.out.printf(
        "[%s%s] suspended subscription refused by replica B after %d ms%n",
        gw.db(), gw.redis() ? "+redis" : "", ms);
    assertThat(ms).isLessThanOrEqualTo(BOUND.toMillis());
  }

  @Test
  void apiPublishedOnAServesOnBWithinTwoSeconds() {
    ServedApi f = ServedApi.create(gw, "prop", false);
    assertThat(callB(f.basePath(), f.key())).isEqualTo(404); // draft: not served

    admin("POST", "/admin/v1/apis/" + f.apiId() + "/publish", null);
    long ms = millisUntil(f.basePath(), f.key(), status -> status == 200);

    System.out.printf(
        "[%s%s] published API served by replica B after %d ms%n",
        gw.db(), gw.redis() ? "+redis" : "", ms);
    assertThat(ms).isLessThanOrEqualTo(BOUND.toMillis());
  }

  /** Calls B until the status satisfies {@code done}; the time from now, in ms. */
  private long millisUntil(String basePath, String key, IntPredicate done) {
    long start = System.nanoTime();
    long deadline = start + GIVE_UP.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = callB(basePath, key);
      if (done.test(last)) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
      }
    }
    throw new AssertionError("Replica B still answered " + last + " after " + GIVE_UP);
  }

  private static int callB(String basePath, String key) {
    return Http.get(replica.uri(basePath + "/x"), "X-API-Key", key).statusCode();
  }

  private static JsonObject admin(String method, String path, String json) {
    HttpResponse<String> r = AdminClient.send(method, path, json);
    assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isBetween(200, 299);
    return r.body().isBlank() ? null : Json.createReader(new StringReader(r.body())).readObject();
  }
}
