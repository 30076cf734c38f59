package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.ServedApi;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revocation is targeted and fast across replicas: two apps share an API and a plan and have their
 * tokens cached on replica B; a change to app 1 made through replica A's admin API is enforced by B
 * within 2 seconds, B forgets app 1's cached token, and app 2 keeps its token (same {@code jti}, no
 * new signature, no full cache drop on B). In the PostgreSQL suite polling is slowed to 30 s, so
 * only the Redis message can make it in time; in the H2 suite B learns by polling.
 */
class RevocationIT extends OnManagedGateway {
  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final Duration GIVE_UP = Duration.ofSeconds(10);
  private static LibertyServer replicaB;

  private final Gateways gw = Gateways.get();

  @BeforeAll
  static void startReplica() {
    replicaB = Gateways.get().newReplica("revoke").start();
  }

  @AfterAll
  static void stopReplica() {
    if (replicaB != null) {
      replicaB.stop();
    }
  }

  @Test
  void suspendedSubscriptionIsRefusedAndItsTokenEvictedOnBWhileTheOtherAppKeepsItsToken() {
    Pair p = pair();
    Metrics before = metricsOfB();

    admin("POST", "/admin/v1/subscriptions/" + p.one.subscriptionId() + "/suspend", null);
    Timing t = awaitOnB(() -> status(p.one, p.one.key()) == 403, before.tokens() - 1);

    report("suspended subscription", t);
    assertThat(t.refusedMs()).isLessThanOrEqualTo(BOUND.toMillis());
    assertThat(t.evictedMs()).isLessThanOrEqualTo(BOUND.toMillis());
    assertOtherAppKeptItsToken(p, before, 0, 1);
  }

  @Test
  void migratedSubscriptionCarriesTheNewPlanOnBAndOnlyThatAppIsReSigned() {
    Pair p = pair();
    String newPlan = "plan-b-" + UUID.randomUUID().toString().substring(0, 8);
    long planId =
        id(
            admin(
                "POST",
                "/admin/v1/products/" + p.one.productId() + "/plans",
                "{\"name\":\"" + newPlan + "\",\"title\":\"B\"}"));
    Metrics before = metricsOfB();

    admin(
        "POST",
        "/admin/v1/subscriptions/" + p.one.subscriptionId() + "/migrate",
        "{\"planId\":" + planId + "}");
    long start = System.nanoTime();
    await(() -> newPlan.equals(claims(call(p.one, p.one.key())).getString("plan")), "new plan");
    long ms = millisSince(start);

    System.out.printf(
        "[%s%s] migrated subscription: replica B sends the new plan after %d ms%n",
        gw.db(), gw.redis() ? "+redis" : "", ms);
    assertThat(ms).isLessThanOrEqualTo(BOUND.toMillis());
    // App 1's token for the new plan: once, or twice when the call that minted it had started
    // before B's eviction (such a token is used for that call but not kept).
    assertOtherAppKeptItsToken(p, before, 1, 2);
  }

  @Test
  void revokedApiKeyIsRefusedAndItsAppsTokenEvictedOnBWhileTheOtherAppKeepsItsToken() {
    Pair p = pair();
    Metrics before = metricsOfB();

    admin(
        "POST",
        "/admin/v1/apps/" + p.one.appId() + "/credentials/" + p.one.credentialId() + "/revoke",
        null);
    Timing t = awaitOnB(() -> status(p.one, p.one.key()) == 401, before.tokens() - 1);

    report("revoked API key", t);
    assertThat(t.refusedMs()).isLessThanOrEqualTo(BOUND.toMillis());
    assertThat(t.evictedMs()).isLessThanOrEqualTo(BOUND.toMillis());
    assertOtherAppKeptItsToken(p, before, 0, 1);
  }

  @Test
  void suspendedAppIsRefusedAndItsTokenEvictedOnB() {
    Pair p = pair();
    Metrics before = metricsOfB();

    admin("POST", "/admin/v1/apps/" + p.one.appId() + "/suspend", null);
    Timing t = awaitOnB(() -> status(p.one, p.one.key()) == 403, before.tokens() - 1);

    report("suspended app", t);
    assertThat(t.refusedMs()).isLessThanOrEqualTo(BOUND.toMillis());
    assertThat(t.evictedMs()).isLessThanOrEqualTo(BOUND.toMillis());
    assertOtherAppKeptItsToken(p, before, 0, 1);
  }

  /**
   * A plan edit made through A evicts the tokens of the plan's subscriptions on B, and B re-mints
   * them before the apps call again: two signatures with no call in between, then each app's next
   * call carries a new token with the plan's new lifetime and signs nothing more.
   */
  @Test
  void editedPlansTokensAreReMintedOnBBeforeItsAppsCallAgain() {
    Pair p = pair();
    String oneJti = claims(call(p.one, p.one.key())).getString("jti");
    String planPath = "/admin/v1/products/" + p.one.productId() + "/plans/" + p.one.planId();
    JsonObject plan = admin("GET", planPath, null);
    var edited = Json.createObjectBuilder(plan).remove("id").remove("productId");
    edited.add("tokenTtlSeconds", 240);
    Metrics before = metricsOfB();

    admin("PUT", planPath, edited.build().toString());
    long start = System.nanoTime();
    await(() -> metricsOfB().signatures() >= before.signatures() + 2, "re-minted both tokens");
    long ms = millisSince(start);

    System.out.printf(
        "[%s%s] edited plan: replica B re-minted its 2 tokens %d ms after the admin answer%n",
        gw.db(), gw.redis() ? "+redis" : "", ms);
    JsonObject one = claims(call(p.one, p.one.key()));
    JsonObject two = claims(call(p.one, p.twoKey));
    assertThat(one.getString("jti")).isNotEqualTo(oneJti);
    assertThat(two.getString("jti")).isNotEqualTo(p.twoJti);
    for (JsonObject c : java.util.List.of(one, two)) {
      assertThat(c.getJsonNumber("exp").longValue() - c.getJsonNumber("iat").longValue())
          .isEqualTo(240);
    }
    Metrics after = metricsOfB();
    assertThat(after.signatures() - before.signatures()).isEqualTo(2.0);
    assertThat(after.drops()).as("full cache drops on B").isEqualTo(before.drops());
  }

  /**
   * App 2 still gets the very token it had (same {@code jti}), B signed at most app 1's tokens
   * meanwhile (between {@code least} and {@code most}: a call of app 1 admitted just before B's
   * eviction may mint one that is used once and not kept), and B never dropped all its caches.
   */
  private void assertOtherAppKeptItsToken(Pair p, Metrics before, int least, int most) {
    assertThat(claims(call(p.one, p.twoKey)).getString("jti")).isEqualTo(p.twoJti);
    Metrics after = metricsOfB();
    assertThat(after.signatures() - before.signatures()).isBetween((double) least, (double) most);
    assertThat(after.drops()).as("full cache drops on B").isEqualTo(before.drops());
  }

  /**
   * App 1 (from {@link ServedApi}) and app 2, subscribed to the same plan of the same API, each
   * with a token cached on B.
   */
  private Pair pair() {
    ServedApi one = ServedApi.create(gw, "revoke", true);
    JsonObject two =
        admin(
            "POST",
            "/admin/v1/apps",
            "{\"name\":\"revoke-two-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
    admin(
        "POST",
        "/admin/v1/subscriptions",
        "{\"appId\":" + id(two) + ",\"planId\":" + one.planId() + "}");
    String twoKey = two.getJsonObject("apiKey").getString("key");
    // B must have evicted for every write of the fixture before it caches anything of it, or a
    // late eviction would look like a re-signature.
    long revision = gw.catalogRevision();
    await(() -> metricsOfB().revision() >= revision, "caught up with revision " + revision);
    await(() -> status(one, one.key()) == 200, "app 1 served by B");
    await(() -> status(one, twoKey) == 200, "app 2 served by B");
    String twoJti = claims(call(one, twoKey)).getString("jti");
    return new Pair(one, twoKey, twoJti);
  }

  private record Pair(ServedApi one, String twoKey, String twoJti) {}

  private record Timing(long refusedMs, long evictedMs) {}

  /**
   * Calls B as app 1 and reads B's token cache until both the call is refused and the cache holds
   * {@code tokensAfter} entries; when each happened, in ms from now.
   */
  private Timing awaitOnB(BooleanSupplier refused, double tokensAfter) {
    long start = System.nanoTime();
    long deadline = start + GIVE_UP.toNanos();
    long refusedMs = -1;
    long evictedMs = -1;
    while (System.nanoTime() < deadline && (refusedMs < 0 || evictedMs < 0)) {
      if (evictedMs < 0 && metricsOfB().tokens() <= tokensAfter) {
        evictedMs = millisSince(start);
      }
      if (refusedMs < 0 && refused.getAsBoolean()) {
        refusedMs = millisSince(start);
      }
    }
    if (refusedMs < 0 || evictedMs < 0) {
      throw new AssertionError(
          "Replica B after "
              + GIVE_UP
              + ": refused "
              + (refusedMs >= 0)
              + ", token evicted "
              + (evictedMs >= 0)
              + " ("
              + metricsOfB()
              + ")");
    }
    return new Timing(refusedMs, evictedMs);
  }

  private void report(String what, Timing t) {
    System.out.printf(
        "[%s%s] %s: replica B refused app 1 after %d ms, its cached token was gone after %d ms%n",
        gw.db(), gw.redis() ? "+redis" : "", what, t.refusedMs(), t.evictedMs());
  }

  private static void await(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
    }
    throw new AssertionError("Replica B: not " + what + " after " + GIVE_UP);
  }

  private static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }

  private static int status(ServedApi api, String key) {
    return Http.get(replicaB.uri(api.basePath() + "/s-" + UUID.randomUUID()), "X-API-Key", key)
        .statusCode();
  }

  /** Calls B; the request as the mesh service received it. */
  private StubUpstream.Received call(ServedApi api, String key) {
    String marker = "/c-" + UUID.randomUUID();
    HttpResponse<String> r = Http.get(replicaB.uri(api.basePath() + marker), "X-API-Key", key);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return gw.upstream().only(marker);
  }

  /** The claims of the gateway token the mesh service received (signature checked elsewhere). */
  private static JsonObject claims(StubUpstream.Received received) {
    String token = received.header("authorization").get(0).substring("Bearer ".length());
    String payload = token.split("\\.")[1];
    return Json.createReader(
            new StringReader(
                new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)))
        .readObject();
  }

  private static final Pattern SIGNATURES = metric("meshgate_token_signatures_total");
  private static final Pattern TOKENS = metric("meshgate_token_cache_entries");
  private static final Pattern DROPS = metric("meshgate_catalog_cache_drops_total");

  private static final Pattern REVISION = metric("meshgate_catalog_revision");

  private record Metrics(double signatures, double tokens, double drops, double revision) {}

  private static Metrics metricsOfB() {
    HttpResponse<String> r = Http.get(replicaB.adminUri("/metrics"));
    assertThat(r.statusCode()).isEqualTo(200);
    return new Metrics(
        value(SIGNATURES, r.body()),
        value(TOKENS, r.body()),
        value(DROPS, r.body()),
        value(REVISION, r.body()));
  }

  private static Pattern metric(String name) {
    return Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})?\\s+([0-9.Ee+-]+)$");
  }

  private static double value(Pattern metric, String body) {
    Matcher m = metric.matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  private static JsonObject admin(String method, String path, String json) {
    HttpResponse<String> r = AdminClient.send(method, path, json);
    assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isBetween(200, 299);
    return r.body().isBlank() ? null : Json.createReader(new StringReader(r.body())).readObject();
  }

  private static long id(JsonObject o) {
    return o.getJsonNumber("id").longValue();
  }
}
