package it.io.meshgate.support;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * Two replicas on a database of their own, with short key intervals, a seeded API ({@code
 * /keys-it}, key {@link #API_KEY}) in front of a stub upstream, and the tools to rotate keys under
 * load: {@link Callers} calling both replicas back to back, a {@link MeshVerifier} re-reading the
 * JWKS only every refresh interval as Istio does, and a {@link TokenWatch} verifying every token
 * the upstream receives. Used by {@code KeyRotationIT} and the fault suite.
 */
public final class RotationRig implements AutoCloseable {
  public static final String API_KEY = "keys-it-key";
  public static final Duration DEADLINE = Duration.ofSeconds(30);

  public final Duration refresh;
  public final StubUpstream upstream;
  public final Map<String, String> env;
  public final LibertyServer a;
  public final LibertyServer b;
  public final String adminToken;

  /**
   * Starts the pair, one after the other (the first creates the schema and the first key).
   *
   * @param name names the database and the servers ({@code it-<name>-<db>-a})
   * @param extraEnv further settings of both replicas
   */
  public RotationRig(String name, Duration refresh, Duration margin, Map<String, String> extraEnv) {
    this.refresh = refresh;
    upstream = new StubUpstream();
    env = new LinkedHashMap<>(Gateways.ownDatabase(name));
    env.put("MESHGATE_KEK", Gateways.randomKey());
    env.put("MESHGATE_SECRET_PEPPER", Gateways.randomKey());
    env.put("MESHGATE_ISSUER", Gateways.ISSUER);
    env.put("MESHGATE_ADMIN_CLIENT_ID", Gateways.ADMIN_CLIENT_ID);
    env.put("MESHGATE_ADMIN_CLIENT_SECRET", Gateways.ADMIN_CLIENT_SECRET);
    env.put("MESHGATE_SEED_FILE", seed(upstream.baseUrl()).toString());
    env.put("MESHGATE_KEYS_MESH_REFRESH_INTERVAL", "PT" + refresh.toSeconds() + "S");
    env.put("MESHGATE_KEYS_ACTIVATION_MARGIN", "PT" + margin.toSeconds() + "S");
    env.put("MESHGATE_KEYS_RELOAD_INTERVAL", "PT0.3S");
    env.putAll(extraEnv);
    String db = System.getProperty("meshgate.it.db", "h2");
    a = LibertyServer.create("it-" + name + "-" + db + "-a", env).start();
    b = LibertyServer.create("it-" + name + "-" + db + "-b", env).start();
    adminToken = AdminClient.token(a, Gateways.ADMIN_CLIENT_ID, Gateways.ADMIN_CLIENT_SECRET);
  }

  public HttpResponse<String> admin(LibertyServer server, String method, String path, String body) {
    return AdminClient.send(server, adminToken, method, path, body);
  }

  @Override
  public void close() {
    for (LibertyServer s : new LibertyServer[] {a, b}) {
      if (s != null) {
        s.stop();
      }
    }
    upstream.close();
  }

  /** The {@code kid} in a JWT's header. */
  public static String kid(String token) {
    try {
      return JsonWebSignature.fromCompactSerialization(token).getKeyIdHeaderValue();
    } catch (JoseException e) {
      return "unparsable";
    }
  }

  /**
   * Watches what the upstream receives on {@code /svc/<replica>/…}: every call must carry one
   * gateway token that the mesh verifier accepts. Records when each {@code kid} was first seen,
   * overall and via each replica.
   */
  public final class TokenWatch implements AutoCloseable {
    public final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    public final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    public final AtomicLong verified = new AtomicLong();
    private final Map<String, CompletableFuture<Instant>> seenVia = new ConcurrentHashMap<>();
    private final MeshVerifier mesh;

    public TokenWatch() {
      mesh = new MeshVerifier(a, refresh);
      upstream.onRequest(
          r -> {
            if (!r.rawPathAndQuery().startsWith("/svc/")) {
              return;
            }
            Instant at = Instant.now();
            String via = r.rawPathAndQuery().substring("/svc/".length(), "/svc/".length() + 1);
            List<String> auth = r.header("authorization");
            if (auth.size() != 1 || !auth.get(0).startsWith("Bearer ")) {
              failures.add("no gateway token via " + via + ": " + auth);
              return;
            }
            String token = auth.get(0).substring("Bearer ".length());
            String kid = kid(token);
            firstSeen.putIfAbsent(kid, at);
            try {
              mesh.verify(token);
              verified.incrementAndGet();
            } catch (InvalidJwtException e) {
              failures.add("kid " + kid + " via " + via + " at " + at + ": " + e.getMessage());
            }
            seenVia.computeIfAbsent(kid + "@" + via, k -> new CompletableFuture<>()).complete(at);
          });
    }

    /** Waits until tokens signed with {@code kid} reached the upstream via both replicas. */
    public void awaitSeen(String kid) throws Exception {
      for (String via : List.of("a", "b")) {
        seenVia
            .computeIfAbsent(kid + "@" + via, k -> new CompletableFuture<>())
            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      }
    }

    /** The {@code n}-th kid seen upstream, in order of first sight. */
    public String kidOf(int n) {
      List<String> ordered =
          firstSeen.entrySet().stream()
              .sorted(Map.Entry.comparingByValue())
              .map(Map.Entry::getKey)
              .toList();
      return n < ordered.size() ? ordered.get(n) : null;
    }

    @Override
    public void close() {
      mesh.close();
      upstream.onRequest(r -> {});
    }
  }

  /**
   * A mesh sidecar's view: it fetches the JWKS on a timer every refresh interval and verifies
   * tokens only against the set it holds, never refetching on an unknown {@code kid}.
   */
  public static final class MeshVerifier implements AutoCloseable {
    private final LibertyServer server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicReference<JwtConsumer> consumer = new AtomicReference<>();

    public MeshVerifier(LibertyServer server, Duration refresh) {
      this.server = server;
      fetch();
      timer.scheduleAtFixedRate(
          this::fetch, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fetch() {
      try {
        String json = Http.get(server.uri("/.well-known/jwks.json")).body();
        consumer.set(
            new JwtConsumerBuilder()
                .setVerificationKeyResolver(
                    new JwksVerificationKeyResolver(new JsonWebKeySet(json).getJsonWebKeys()))
                .setExpectedIssuer(Gateways.ISSUER)
                .setSkipDefaultAudienceValidation()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .build());
      } catch (JoseException | RuntimeException e) {
        // As a sidecar would: keep the set it has.
      }
    }

    public void verify(String token) throws InvalidJwtException {
      consumer.get().processToClaims(token);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** One thread per replica, calling the seeded API back to back until stopped. */
  public static final class Callers {
    public final AtomicLong calls = new AtomicLong();
    public final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final BackToBack load = new BackToBack();

    /** Calls {@code /keys-it/<name>/<n>} on {@code server}; any answer but 200 is an error. */
    public void start(String name, LibertyServer server) {
      load.start(
          "keys-it-caller-" + name,
          n -> Http.get(server.uri("/keys-it/" + name + "/" + n), "X-API-Key", API_KEY),
          (r, error) -> {
            calls.incrementAndGet();
            if (error != null) {
              errors.add(name + ": " + error);
            } else if (r.statusCode() != 200) {
              errors.add(name + ": " + r.statusCode() + " " + r.body());
            }
          });
    }

    public void stop() throws InterruptedException {
      load.stop(DEADLINE.toSeconds());
    }
  }

  private static Path seed(String upstreamUrl) {
    String seed =
        """
        {
          "apis": [
            { "name": "keys-it", "basePath": "/keys-it", "upstreamUrl": "%s/svc",
              "policies": [ { "policy": "client-auth" }, { "policy": "subscription" },
                            { "policy": "token" }, { "policy": "headers" } ] }
          ],
          "products": [
            { "name": "keys-it", "title": "Keys", "apis": ["keys-it"],
              "plans": [ { "name": "plain", "title": "Plain", "tokenTtlSeconds": 60 } ] }
          ],
          "apps": [
            { "name": "keys-it-app", "clientId": "keys-it-client", "clientSecret": "keys-it-secret",
              "apiKeys": ["%s"], "subscriptions": [ { "product": "keys-it", "plan": "plain" } ] }
          ]
        }
        """
            .formatted(upstreamUrl, API_KEY);
    return Gateways.seedFile(seed);
  }
}
