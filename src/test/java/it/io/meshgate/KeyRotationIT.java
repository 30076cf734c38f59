package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.RotationRig;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #6, point 1: the gateway rotates its signing key under continuous calls from two replicas
 * sharing a database, and a verifier that re-reads the JWKS only every mesh refresh interval (as
 * Istio does) accepts every token the upstream receives. The pair runs on a database of its own, so
 * its rotations do not disturb the rest of the suite.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeyRotationIT {
  /** The mesh's JWKS refresh interval in this test, and what the gateway is told it is. */
  private static final Duration REFRESH = Duration.ofSeconds(3);

  private static final Duration MARGIN = Duration.ofSeconds(2);
  private static final Duration LEAD = REFRESH.plus(MARGIN);
  private static final Duration DEADLINE = RotationRig.DEADLINE;
  private static final String VIEWER_ID = "keys-it-viewer";
  private static final String VIEWER_SECRET = "keys-it-viewer-" + java.util.UUID.randomUUID();

  private static RotationRig rig;
  private static LibertyServer a;
  private static LibertyServer b;
  private static String adminToken;
  private static Map<String, String> env;

  @BeforeAll
  static void startPair() {
    rig =
        new RotationRig(
            "keys",
            REFRESH,
            MARGIN,
            Map.of(
                "MESHGATE_ADMIN_VIEWER_CLIENT_ID", VIEWER_ID,
                "MESHGATE_ADMIN_VIEWER_CLIENT_SECRET", VIEWER_SECRET));
    a = rig.a;
    b = rig.b;
    adminToken = rig.adminToken;
    env = rig.env;
  }

  @AfterAll
  static void stopPair() {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  @Order(2)
  void twoRotationsUnderLoadFromTwoReplicasFailNoVerification() throws Exception {
    RotationRig.TokenWatch watch = rig.new TokenWatch();
    Map<String, Instant> firstSeen = watch.firstSeen;
    RotationRig.Callers callers = new RotationRig.Callers();
    try {
      callers.start("a", a);
      callers.start("b", b);
      String first = activeKid(a);
      watch.awaitSeen(first);

      // Rotation 1, asked of both replicas at once: a new key of the configured algorithm at the
      // earliest instant. The key lock lets one schedule it; the other sees it pending.
      CompletableFuture<HttpResponse<String>> viaA =
          CompletableFuture.supplyAsync(() -> admin(a, "POST", "/admin/v1/keys/rotation", "{}"));
      HttpResponse<String> viaB = admin(b, "POST", "/admin/v1/keys/rotation", "{}");
      HttpResponse<String> won = viaA.get().statusCode() == 200 ? viaA.get() : viaB;
      HttpResponse<String> lost = won == viaB ? viaA.get() : viaB;
      JsonObject second = json(won, 200);
      problem(lost, 409, "KEY_ROTATION_PENDING");
      Instant secondPublished = Instant.parse(second.getString("publishedAt"));
      assertThat(Instant.parse(second.getString("activatesAt")))
          .isEqualTo(secondPublished.plus(LEAD));
      assertThat(second.getString("state")).isEqualTo("published");
      problem(admin(b, "POST", "/admin/v1/keys/rotation", "{}"), 409, "KEY_ROTATION_PENDING");
      watch.awaitSeen(second.getString("kid"));

      // Rotation 2, on replica b: a staged RS256 key, published, then scheduled.
      JsonObject staged =
          json(admin(b, "POST", "/admin/v1/keys", "{\"alg\":\"RS256\",\"publish\":false}"), 201);
      String third = staged.getString("kid");
      assertThat(staged.getString("state")).isEqualTo("staged");
      JsonObject published =
          json(admin(b, "POST", "/admin/v1/keys/" + third + "/publish", null), 200);
      Instant thirdPublished = Instant.parse(published.getString("publishedAt"));
      HttpResponse<String> early =
          admin(
              b,
              "POST",
              "/admin/v1/keys/rotation",
              "{\"kid\":\"" + third + "\",\"at\":\"" + thirdPublished.plus(REFRESH) + "\"}");
      problem(early, 409, "KEY_ACTIVATION_TOO_EARLY");
      assertThat(early.body()).contains("earliest allowed instant is " + thirdPublished.plus(LEAD));
      JsonObject scheduled =
          json(admin(b, "POST", "/admin/v1/keys/rotation", "{\"kid\":\"" + third + "\"}"), 200);
      assertThat(Instant.parse(scheduled.getString("activatesAt")))
          .isEqualTo(thirdPublished.plus(LEAD));
      watch.awaitSeen(third);
    } finally {
      callers.stop();
      watch.close();
    }

    String secondKid = watch.kidOf(1);
    System.out.printf(
        "KeyRotationIT (%s): %d calls, %d tokens verified by a verifier re-reading the JWKS every"
            + " %s; failures: %d; call errors: %d%n",
        System.getProperty("meshgate.it.db", "h2"),
        callers.calls.get(),
        watch.verified.get(),
        REFRESH,
        watch.failures.size(),
        callers.errors.size());
    assertThat(watch.failures).isEmpty();
    assertThat(callers.errors).isEmpty();
    assertThat(watch.verified.get()).isPositive();

    // Each new kid reached the upstream only after it had been published for the interval.
    JsonArray keys = array(admin(a, "GET", "/admin/v1/keys", null), 200);
    assertThat(firstSeen).hasSize(3);
    for (JsonObject key : keys.getValuesAs(JsonObject.class)) {
      Instant seen = firstSeen.get(key.getString("kid"));
      if (seen == null || key.getString("kid").equals(watch.kidOf(0))) {
        continue;
      }
      Instant publishedAt = Instant.parse(key.getString("publishedAt"));
      Instant activatesAt = Instant.parse(key.getString("activatesAt"));
      System.out.printf(
          "KeyRotationIT: kid %s (%s) published %s, activates %s, first seen upstream %d ms after"
              + " publication (%d ms after activation)%n",
          key.getString("kid"),
          key.getString("alg"),
          publishedAt,
          activatesAt,
          Duration.between(publishedAt, seen).toMillis(),
          Duration.between(activatesAt, seen).toMillis());
      assertThat(seen).isAfterOrEqualTo(publishedAt.plus(REFRESH));
      assertThat(seen).isAfterOrEqualTo(activatesAt);
    }
    assertThat(secondKid).isNotNull();

    // Both replaced keys stay in the JWKS, retiring, until their last tokens expired.
    Map<String, String> states = new java.util.HashMap<>();
    keys.getValuesAs(JsonObject.class)
        .forEach(k -> states.put(k.getString("kid"), k.getString("state")));
    assertThat(states.get(watch.kidOf(0))).isEqualTo("retiring");
    assertThat(states.get(secondKid)).isEqualTo("retiring");
    assertThat(states.get(watch.kidOf(2))).isEqualTo("active");
    String jwksB = Http.get(b.uri("/.well-known/jwks.json")).body();
    for (String kid : firstSeen.keySet()) {
      assertThat(jwksB).contains(kid);
    }
  }

  @Test
  @Order(1)
  void theAdminApiListsStagesAndRefusesBadInput() {
    String viewer = AdminClient.token(a, VIEWER_ID, VIEWER_SECRET);
    HttpResponse<String> list = AdminClient.send(a, viewer, "GET", "/admin/v1/keys", null);
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(list.body()).contains("\"state\":\"active\"").doesNotContain("private", "\"d\"");

    problem(AdminClient.send(a, viewer, "POST", "/admin/v1/keys", "{}"), 403, "ADMIN_FORBIDDEN");
    problem(
        AdminClient.send(a, viewer, "POST", "/admin/v1/keys/rotation", "{}"),
        403,
        "ADMIN_FORBIDDEN");
    HttpResponse<String> anonymous =
        Http.send(
            java.net.http.HttpRequest.newBuilder(a.adminUri("/admin/v1/keys"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
    problem(anonymous, 401, "ADMIN_TOKEN_MISSING");

    HttpResponse<String> badAlg = admin(a, "POST", "/admin/v1/keys", "{\"alg\":\"HS256\"}");
    problem(badAlg, 400, "VALIDATION_FAILED");
    assertThat(badAlg.body()).contains("\"alg\"", "must be ES256 or RS256");
    HttpResponse<String> badAt =
        admin(a, "POST", "/admin/v1/keys/rotation", "{\"at\":\"tomorrow\"}");
    problem(badAt, 400, "VALIDATION_FAILED");
    assertThat(badAt.body()).contains("\"at\"", "ISO-8601 instant");
    problem(admin(a, "POST", "/admin/v1/keys", "{\"alg\":"), 400, "MALFORMED_BODY");
    problem(admin(a, "POST", "/admin/v1/keys/no-such-kid/publish", null), 404, "KEY_NOT_FOUND");
    problem(
        admin(a, "POST", "/admin/v1/keys/rotation", "{\"kid\":\"no-such-kid\"}"),
        404,
        "KEY_NOT_FOUND");

    JsonObject staged = json(admin(a, "POST", "/admin/v1/keys", "{\"publish\":false}"), 201);
    String kid = staged.getString("kid");
    assertThat(staged.getString("alg")).isEqualTo("ES256");
    assertThat(Http.get(a.uri("/.well-known/jwks.json")).body()).doesNotContain(kid);
    problem(
        admin(a, "POST", "/admin/v1/keys/rotation", "{\"kid\":\"" + kid + "\"}"),
        409,
        "KEY_STATE_CONFLICT");

    json(admin(a, "POST", "/admin/v1/keys/" + kid + "/publish", null), 200);
    assertThat(Http.get(a.uri("/.well-known/jwks.json")).body()).contains(kid);
    problem(
        admin(a, "POST", "/admin/v1/keys/" + kid + "/publish", null), 409, "KEY_STATE_CONFLICT");
    HttpResponse<String> now =
        admin(
            a,
            "POST",
            "/admin/v1/keys/rotation",
            "{\"kid\":\"" + kid + "\",\"at\":\"" + Instant.now() + "\"}");
    problem(now, 409, "KEY_ACTIVATION_TOO_EARLY");
    assertThat(now.body()).contains("earliest allowed instant is");

    HttpResponse<String> audit =
        AdminClient.send(a, adminToken, "GET", "/admin/v1/audit?entityType=signing-key", null);
    assertThat(audit.body()).contains("signing-key.create", "signing-key.publish", kid);
  }

  /**
   * A third replica with a rotation period of 1 s joins the database: it publishes a new key at
   * once, schedules it at the earliest instant, and after it activated schedules the next one;
   * never two pending at once. Last: it leaves a rotation pending.
   */
  @Test
  @Order(3)
  void aReplicaRotatesAutomaticallyWhenThePeriodHasPassed() {
    Instant joined = Instant.now();
    Map<String, String> overrides = new java.util.LinkedHashMap<>(env);
    overrides.put("MESHGATE_KEYS_ROTATION_PERIOD", "PT1S");
    String db = System.getProperty("meshgate.it.db", "h2");
    try (LibertyServer c = LibertyServer.create("it-keys-" + db + "-c", overrides).start()) {
      List<JsonObject> automatic = List.of();
      Instant deadline = Instant.now().plus(DEADLINE);
      // Polling the admin API is the wait: until two automatic keys exist, the first active.
      while (Instant.now().isBefore(deadline)) {
        automatic =
            array(admin(a, "GET", "/admin/v1/keys", null), 200)
                .getValuesAs(JsonObject.class)
                .stream()
                .filter(k -> Instant.parse(k.getString("createdAt")).isAfter(joined))
                .toList();
        if (automatic.size() >= 2 && automatic.get(0).getString("state").equals("active")) {
          break;
        }
      }
      assertThat(automatic).hasSizeGreaterThanOrEqualTo(2);
      assertThat(automatic.get(0).getString("state")).isEqualTo("active");
      Instant previousActivation = null;
      for (JsonObject key : automatic) {
        Instant publishedAt = Instant.parse(key.getString("publishedAt"));
        assertThat(Instant.parse(key.getString("activatesAt"))).isEqualTo(publishedAt.plus(LEAD));
        if (previousActivation != null) {
          // The next key was created only once the previous one had activated.
          assertThat(publishedAt).isAfterOrEqualTo(previousActivation);
        }
        previousActivation = Instant.parse(key.getString("activatesAt"));
      }
      String audit =
          admin(a, "GET", "/admin/v1/audit?actor=meshgate-automatic-rotation", null).body();
      assertThat(audit).contains(automatic.get(0).getString("kid"), "signing-key.rotate");
    }
  }

  private static String activeKid(LibertyServer server) {
    JsonArray keys = array(admin(server, "GET", "/admin/v1/keys", null), 200);
    return keys.getValuesAs(JsonObject.class).stream()
        .filter(k -> k.getString("state").equals("active"))
        .map(k -> k.getString("kid"))
        .findFirst()
        .orElseThrow();
  }

  private static HttpResponse<String> admin(
      LibertyServer server, String method, String path, String body) {
    return AdminClient.send(server, adminToken, method, path, body);
  }

  private static JsonObject json(HttpResponse<String> r, int status) {
    return read(r, status).asJsonObject();
  }

  private static JsonArray array(HttpResponse<String> r, int status) {
    return read(r, status).asJsonArray();
  }

  private static jakarta.json.JsonStructure read(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return Json.createReader(new StringReader(r.body())).read();
  }

  private static void problem(HttpResponse<String> r, int status, String errorKey) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(r.body()).contains("\"errorKey\":\"" + errorKey + "\"");
  }
}
