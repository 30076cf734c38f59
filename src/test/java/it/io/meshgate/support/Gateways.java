package it.io.meshgate.support;

import io.meshgate.token.BadTokens;
import io.meshgate.token.PrivateKeySeal;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The integration suite's shared gateway: the server Arquillian manages ({@link ManagedGateway},
 * one per failsafe execution, on the database it names with {@code meshgate.it.db}, {@code h2} or
 * {@code postgresql}), its stub upstream, its database and secrets, and replicas of it for the
 * tests that need more than one server. Only test classes that Arquillian runs may use it (they
 * extend {@link OnManagedGateway}).
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

  private static final Gateways INSTANCE = new Gateways();

  private Gateways() {}

  /** The suite's fixture; its server is the one Arquillian started for this test class. */
  public static Gateways get() {
    return INSTANCE;
  }

  public LibertyServer server() {
    return ManagedGateway.server();
  }

  public StubUpstream upstream() {
    return ManagedGateway.upstream();
  }

  /** {@code h2} or {@code postgresql}. */
  public String db() {
    return System.getProperty("meshgate.it.db", "h2");
  }

  /** The JDBC URL of the suite's database, as its servers use it. */
  public String dbUrl() {
    return env().get("DB_URL");
  }

  /** Whether this suite's servers propagate catalog changes through Redis (else by polling). */
  public boolean redis() {
    return Boolean.getBoolean("meshgate.it.redis");
  }

  /** A second server on the same database and secrets, as a second replica would be. */
  public LibertyServer newReplica(String suffix) {
    return newReplica(suffix, Map.of());
  }

  /** A second server on the same database and secrets, with some settings changed. */
  public LibertyServer newReplica(String suffix, Map<String, String> overrides) {
    Map<String, String> changed = new LinkedHashMap<>(env());
    changed.putAll(overrides);
    return LibertyServer.create("it-" + db() + "-" + suffix, changed);
  }

  private static Map<String, String> env() {
    return ManagedGateway.env();
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
        env().get("DB_URL"), env().get("DB_USER"), env().get("DB_PASSWORD"));
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
            new PrivateKeySeal(Base64.getDecoder().decode(env().get("MESHGATE_KEK")))
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

  /** The catalog revision in the suite's database: what a replica must have caught up with. */
  public long catalogRevision() {
    try (Connection c = jdbc();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select revision from catalog_revision where id = 1")) {
      if (!rs.next()) {
        throw new AssertionError("No catalog revision");
      }
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JDBC connection to the suite's PostgreSQL schema (only in the PostgreSQL suite). */
  public Connection postgres() throws SQLException {
    if (!db().equals("postgresql")) {
      throw new IllegalStateException("The suite runs on " + db() + ", not PostgreSQL");
    }
    return jdbc();
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
