package it.io.meshgate.support;

import io.meshgate.token.BadTokens;
import io.meshgate.token.PrivateKeySeal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared fixture of the integration suite: one stub upstream and one gateway server per test
 * JVM (many tests per server start), on the database this failsafe execution names with {@code
 * meshgate.it.db} ({@code h2} or {@code postgresql}).
 */
public final class Gateways {
  public static final String ISSUER = "https://meshgate.it.example";
  public static final int MAX_REQUEST_BYTES = 65536;

  /** meshgate.proxy.max-upstream-header-bytes: the default, which the tests do not override. */
  public static final long MAX_UPSTREAM_HEADER_BYTES = 57_344;

  /** Liberty's limit on a request's header bytes plus declared body: server.xml's default. */
  public static final long HTTP_MAX_MESSAGE_BYTES = 11_665_408;

  public static final String ADMIN_CLIENT_ID = "it-admin";
  public static final String ADMIN_CLIENT_SECRET = "it-admin-" + java.util.UUID.randomUUID();
  public static final String VIEWER_CLIENT_ID = "it-viewer";
  public static final String VIEWER_CLIENT_SECRET = "it-viewer-" + java.util.UUID.randomUUID();
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  /** Overridable so two checkouts can run the suite side by side on one PostgreSQL. */
  private static final String PG_SCHEMA =
      System.getProperty("meshgate.it.pg-schema", "meshgate_it");

  public static final String REDIS_URL = "redis://127.0.0.1:6379";

  private static Gateways instance;

  private final StubUpstream upstream;
  private final LibertyServer server;
  private final Map<String, String> env;
  private final String db;
  private final boolean redis;

  private Gateways() {
    db = System.getProperty("meshgate.it.db", "h2");
    redis = Boolean.getBoolean("meshgate.it.redis");
    upstream = new StubUpstream();
    env = new LinkedHashMap<>();
    env.putAll(database());
    env.put("MESHGATE_KEK", randomKey());
    env.put("MESHGATE_SECRET_PEPPER", randomKey());
    env.put("MESHGATE_ISSUER", ISSUER);
    env.put("MESHGATE_ADMIN_CLIENT_ID", ADMIN_CLIENT_ID);
    env.put("MESHGATE_ADMIN_CLIENT_SECRET", ADMIN_CLIENT_SECRET);
    env.put("MESHGATE_ADMIN_VIEWER_CLIENT_ID", VIEWER_CLIENT_ID);
    env.put("MESHGATE_ADMIN_VIEWER_CLIENT_SECRET", VIEWER_CLIENT_SECRET);
    env.put("MESHGATE_DEMO", "true");
    env.put("MESHGATE_DEMO_UPSTREAM", upstream.baseUrl() + "/demo");
    env.put("MESHGATE_SEED_FILE", writeSeed().toString());
    env.put("MESHGATE_PROXY_MAX_REQUEST_BYTES", Integer.toString(MAX_REQUEST_BYTES));
    // The suite runs two or three JVMs, PostgreSQL and Redis on as few as 2 cores: a scheduling
    // stall past the 50 ms default would move a decision to the fail-open fallback, and the
    // exactness tests would then measure the fallback. They test counting; LimiterOutageIT tests
    // the 50 ms default itself.
    env.put("MESHGATE_LIMITER_REDIS_TIMEOUT_MS", "1000");
    if (redis) {
      requireRedis();
      env.put("REDIS_URL", REDIS_URL);
      // Polling so slow that only Redis can meet the 2 s propagation bound: the run proves Redis.
      env.put("MESHGATE_CATALOG_POLL_INTERVAL_MS", "30000");
    }
    server = LibertyServer.create("it-" + db, env).start();
    Runtime.getRuntime().addShutdownHook(new Thread(this::close));
  }

  /** The suite's fixture, started on first use. */
  public static synchronized Gateways get() {
    if (instance == null) {
      instance = new Gateways();
    }
    return instance;
  }

  public LibertyServer server() {
    return server;
  }

  public StubUpstream upstream() {
    return upstream;
  }

  public String db() {
    return db;
  }

  /** The JDBC URL of the suite's database, as its servers use it. */
  public String dbUrl() {
    return env.get("DB_URL");
  }

  /** Whether this suite's servers propagate catalog changes through Redis (else by polling). */
  public boolean redis() {
    return redis;
  }

  /** A second server on the same database and secrets, as a second replica would be. */
  public LibertyServer newReplica(String suffix) {
    return LibertyServer.create("it-" + db + "-" + suffix, env);
  }

  /** A second server on the same database and secrets, with some settings changed. */
  public LibertyServer newReplica(String suffix, Map<String, String> overrides) {
    Map<String, String> changed = new LinkedHashMap<>(env);
    changed.putAll(overrides);
    return LibertyServer.create("it-" + db + "-" + suffix, changed);
  }

  private void close() {
    server.stop();
    upstream.close();
  }

  private Map<String, String> database() {
    return database(db, PG_SCHEMA, Path.of("target", "it-h2"));
  }

  /**
   * The settings of a database of its own named {@code name} (emptied first), on the kind this
   * failsafe execution tests: for tests that change what every server on a database shares (the
   * signing keys) without disturbing the suite's shared server.
   */
  public static Map<String, String> ownDatabase(String name) {
    return database(
        System.getProperty("meshgate.it.db", "h2"),
        PG_SCHEMA + "_" + name,
        Path.of("target", "it-h2-" + name));
  }

  private static Map<String, String> database(String kind, String schema, Path h2Dir) {
    Map<String, String> vars = new LinkedHashMap<>();
    if (kind.equals("postgresql")) {
      resetPostgresSchema(schema);
      vars.put("DB_KIND", "postgresql");
      vars.put("DB_URL", PG_URL + "?currentSchema=" + schema);
      vars.put("DB_USER", "postgres");
      vars.put("DB_PASSWORD", "");
    } else {
      Path dir = h2Dir.toAbsolutePath();
      deleteQuietly(dir);
      // AUTO_SERVER lets a second replica open the same file database.
      vars.put("DB_KIND", "h2");
      vars.put("DB_URL", "jdbc:h2:file:" + dir.resolve("meshgate") + ";AUTO_SERVER=TRUE");
      vars.put("DB_USER", "meshgate");
      vars.put("DB_PASSWORD", "");
    }
    return vars;
  }

  /** A JDBC connection to the suite's database, H2 or PostgreSQL, as the gateway sees it. */
  public Connection jdbc() throws SQLException {
    return DriverManager.getConnection(
        env.get("DB_URL"), env.get("DB_USER"), env.get("DB_PASSWORD"));
  }

  /**
   * The gateway's signing key {@code kid} with its private half, unsealed with the suite's
   * key-encryption key: lets a test forge tokens that differ from valid ones in one defect only.
   */
  public BadTokens.Signer signingKey(String kid) {
    try (Connection c = jdbc();
        PreparedStatement q =
            c.prepareStatement(
                "select alg, public_jwk, private_key_sealed from signing_key where kid = ?")) {
      q.setString(1, kid);
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) {
          throw new AssertionError("No signing key " + kid);
        }
        String alg = r.getString(1);
        byte[] pkcs8 =
            new PrivateKeySeal(Base64.getDecoder().decode(env.get("MESHGATE_KEK")))
                .open(r.getString(3), kid);
        PrivateKey key =
            KeyFactory.getInstance(alg.startsWith("ES") ? "EC" : "RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        return new BadTokens.Signer(
            kid, alg, key, (PublicJsonWebKey) JsonWebKey.Factory.newJwk(r.getString(2)));
      }
    } catch (SQLException | GeneralSecurityException | JoseException e) {
      throw new IllegalStateException("Cannot read signing key " + kid, e);
    }
  }

  /** A JDBC connection to the suite's PostgreSQL schema (only in the PostgreSQL suite). */
  public Connection postgres() throws SQLException {
    return DriverManager.getConnection(PG_URL + "?currentSchema=" + PG_SCHEMA, "postgres", "");
  }

  /**
   * Starts from an empty schema. Without PostgreSQL the suite is skipped on a developer machine but
   * fails under CI=true: CI must prove the PostgreSQL path.
   */
  private static void resetPostgresSchema(String schema) {
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + schema + " cascade");
      s.execute("create schema " + schema);
    } catch (SQLException e) {
      String why = "PostgreSQL at " + PG_URL + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + " (CI=true: PostgreSQL is required)", e);
      }
      Assumptions.abort(why);
    }
  }

  /** Redis must answer PING; like PostgreSQL, its absence skips locally and fails under CI=true. */
  private static void requireRedis() {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", 6379), 2000);
      socket.setSoTimeout(2000);
      socket
          .getOutputStream()
          .write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] reply = new byte[7];
      int n = socket.getInputStream().read(reply);
      if (n < 5
          || !new String(reply, 0, n, java.nio.charset.StandardCharsets.US_ASCII)
              .startsWith("+PONG")) {
        throw new IOException("unexpected reply to PING");
      }
    } catch (IOException e) {
      String why = "Redis at " + REDIS_URL + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + " (CI=true: Redis is required)", e);
      }
      Assumptions.abort(why);
    }
  }

  private Path writeSeed() {
    String stub = upstream.baseUrl();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String seed =
        """
        {
          "apis": [
            { "name": "orders", "basePath": "/orders", "upstreamUrl": "%1$s/svc/orders",
              "policies": [
                { "policy": "client-auth", "config": { "apiKeyQueryParam": "apikey" } },
                { "policy": "subscription" }, { "policy": "token" }, { "policy": "headers" } ] },
            { "name": "created", "basePath": "/create-order", "upstreamUrl": "%1$s/created",
              "policies": [ { "policy": "client-auth" }, { "policy": "subscription" },
                            { "policy": "token" }, { "policy": "headers" } ] },
            { "name": "slow", "basePath": "/slow", "upstreamUrl": "%1$s/slow", "readTimeoutMs": 500,
              "policies": [ { "policy": "client-auth" }, { "policy": "subscription" },
                            { "policy": "token" }, { "policy": "headers" } ] },
            { "name": "down", "basePath": "/down", "upstreamUrl": "http://127.0.0.1:%2$d/nothing",
              "policies": [ { "policy": "client-auth" }, { "policy": "subscription" },
                            { "policy": "token" }, { "policy": "headers" } ] },
            { "name": "private", "basePath": "/private", "upstreamUrl": "%1$s/private",
              "policies": [ { "policy": "access-list", "config": { "denyIps": ["127.0.0.0/8", "::1"] } },
                            { "policy": "client-auth" }, { "policy": "subscription" },
                            { "policy": "token" }, { "policy": "headers" } ] },
            { "name": "reports", "basePath": "/reports", "upstreamUrl": "%1$s/reports",
              "policies": [ { "policy": "client-auth", "config": { "methods": ["oauth2", "api-key"] } },
                            { "policy": "subscription" }, { "policy": "token" }, { "policy": "headers" } ] },
            { "name": "bearer-only", "basePath": "/bearer-only", "upstreamUrl": "%1$s/bearer-only",
              "policies": [ { "policy": "client-auth", "config": { "methods": ["oauth2"] } } ] },
            { "name": "vip", "basePath": "/vip", "upstreamUrl": "%1$s/vip",
              "policies": [ { "policy": "client-auth" },
                            { "policy": "access-list", "config": { "allowClientIds": ["orders-client"] } },
                            { "policy": "subscription" }, { "policy": "token" }, { "policy": "headers" } ] }
          ],
          "products": [
            { "name": "shop", "title": "Shop", "apis": ["orders", "created", "slow", "down", "private", "vip", "reports"],
              "plans": [
                { "name": "gold", "title": "Gold", "scopes": ["orders:read", "orders:write"], "tokenTtlSeconds": 600 },
                { "name": "approval", "title": "Needs approval", "approvalRequired": true } ] }
          ],
          "apps": [
            { "name": "orders-app", "clientId": "orders-client", "clientSecret": "orders-secret",
              "apiKeys": ["orders-key-1"], "subscriptions": [ { "product": "shop", "plan": "gold" } ] },
            { "name": "other-app", "clientId": "other-client", "clientSecret": "other-secret",
              "apiKeys": ["other-key"], "subscriptions": [ { "product": "shop", "plan": "gold" } ] },
            { "name": "cache-app", "clientId": "cache-client", "clientSecret": "cache-secret",
              "apiKeys": ["cache-key"], "subscriptions": [ { "product": "shop", "plan": "gold" } ] },
            { "name": "oauth-app", "clientId": "oauth-client", "clientSecret": "oauth-secret",
              "apiKeys": ["oauth-app-key"], "subscriptions": [ { "product": "shop", "plan": "gold" } ] },
            { "name": "lonely-app", "clientId": "lonely-client", "clientSecret": "lonely-secret",
              "apiKeys": ["lonely-key"] },
            { "name": "pending-app", "clientId": "pending-client", "clientSecret": "pending-secret",
              "apiKeys": ["pending-key"],
              "subscriptions": [ { "product": "shop", "plan": "approval", "state": "pending" } ] },
            { "name": "suspended-app", "clientId": "suspended-client", "clientSecret": "suspended-secret",
              "apiKeys": ["suspended-key"],
              "subscriptions": [ { "product": "shop", "plan": "gold", "state": "suspended" } ] }
          ]
        }
        """
            .formatted(stub, closedPort);
    return seedFile(seed);
  }

  /** Writes a catalog seed (JSON) to a temporary file for {@code MESHGATE_SEED_FILE}. */
  public static Path seedFile(String json) {
    try {
      Path file = Files.createTempFile("meshgate-it-seed", ".json");
      Files.writeString(file, json);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 32 random bytes, base64: a key-encryption key or a pepper. */
  public static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
