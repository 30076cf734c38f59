package it.io.meshgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared fixture of the integration suite: one stub upstream and one gateway server per test
 * JVM (many tests per server start), on the database this failsafe execution names with {@code
 * meshgate.it.db} ({@code h2} or {@code postgresql}).
 */
public final class Gateways {
  public static final String ISSUER = "https://meshgate.it.example";
  public static final int MAX_REQUEST_BYTES = 65536;
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String PG_SCHEMA = "meshgate_it";

  private static Gateways instance;

  private final StubUpstream upstream;
  private final LibertyServer server;
  private final Map<String, String> env;
  private final String db;

  private Gateways() {
    db = System.getProperty("meshgate.it.db", "h2");
    upstream = new StubUpstream();
    env = new LinkedHashMap<>();
    env.putAll(database());
    env.put("MESHGATE_KEK", randomKey());
    env.put("MESHGATE_SECRET_PEPPER", randomKey());
    env.put("MESHGATE_ISSUER", ISSUER);
    env.put("MESHGATE_DEMO", "true");
    env.put("MESHGATE_DEMO_UPSTREAM", upstream.baseUrl() + "/demo");
    env.put("MESHGATE_SEED_FILE", writeSeed().toString());
    env.put("MESHGATE_PROXY_MAX_REQUEST_BYTES", Integer.toString(MAX_REQUEST_BYTES));
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

  /** A second server on the same database and secrets, as a second replica would be. */
  public LibertyServer newReplica(String suffix) {
    return LibertyServer.create("it-" + db + "-" + suffix, env);
  }

  private void close() {
    server.stop();
    upstream.close();
  }

  private Map<String, String> database() {
    Map<String, String> vars = new LinkedHashMap<>();
    if (db.equals("postgresql")) {
      resetPostgresSchema();
      vars.put("DB_KIND", "postgresql");
      vars.put("DB_URL", PG_URL + "?currentSchema=" + PG_SCHEMA);
      vars.put("DB_USER", "postgres");
      vars.put("DB_PASSWORD", "");
    } else {
      Path dir = Path.of("target", "it-h2").toAbsolutePath();
      deleteQuietly(dir);
      // AUTO_SERVER lets a second replica open the same file database.
      vars.put("DB_KIND", "h2");
      vars.put("DB_URL", "jdbc:h2:file:" + dir.resolve("meshgate") + ";AUTO_SERVER=TRUE");
      vars.put("DB_USER", "meshgate");
      vars.put("DB_PASSWORD", "");
    }
    return vars;
  }

  /**
   * Starts from an empty schema. Without PostgreSQL the suite is skipped on a developer machine but
   * fails under CI=true: CI must prove the PostgreSQL path.
   */
  private static void resetPostgresSchema() {
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + PG_SCHEMA + " cascade");
      s.execute("create schema " + PG_SCHEMA);
    } catch (SQLException e) {
      String why = "PostgreSQL at " + PG_URL + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + " (CI=true: PostgreSQL is required)", e);
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
            { "name": "vip", "basePath": "/vip", "upstreamUrl": "%1$s/vip",
              "policies": [ { "policy": "client-auth" },
                            { "policy": "access-list", "config": { "allowClientIds": ["orders-client"] } },
                            { "policy": "subscription" }, { "policy": "token" }, { "policy": "headers" } ] }
          ],
          "products": [
            { "name": "shop", "title": "Shop", "apis": ["orders", "created", "slow", "down", "private", "vip"],
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
    try {
      Path file = Files.createTempFile("meshgate-it-seed", ".json");
      Files.writeString(file, seed);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String randomKey() {
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
