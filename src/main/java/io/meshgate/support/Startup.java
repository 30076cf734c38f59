package io.meshgate.support;

import io.meshgate.catalog.DatabaseOutage;
import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.catalog.seed.CatalogSeeder;
import io.meshgate.token.KeySettings;
import io.meshgate.token.SigningKeys;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

/**
 * Brings the server to a serving state once, at application start: schema migrations, the demo and
 * seed catalogs, the first signing key, the catalog caches. Until it completes readiness is down
 * (with a fixed reason; the log has the exception), and past {@code MESHGATE_STARTUP_DEADLINE}
 * liveness is down too, so Kubernetes restarts a replica that cannot start.
 */
@ApplicationScoped
public class Startup {
  private static final Logger LOG = Logger.getLogger(Startup.class.getName());
  private static final String DEMO_CATALOG = "/io/meshgate/demo/demo-catalog.json";

  @Resource(lookup = "jdbc/meshgate")
  DataSource dataSource;

  @Inject CatalogSeeder seeder;
  @Inject SigningKeys keys;
  @Inject CatalogCache catalog;
  @Inject io.meshgate.catalog.sync.CatalogSync sync;
  @Inject io.meshgate.limit.Limiter limiter;
  @Inject io.meshgate.token.SigningKeySync keySync;
  @Inject io.meshgate.admin.keys.AutoRotation autoRotation;

  @Inject
  @ConfigProperty(name = "meshgate.demo", defaultValue = "false")
  boolean demo;

  @Inject
  @ConfigProperty(name = "meshgate.demo.upstream")
  Optional<String> demoUpstream;

  @Inject
  @ConfigProperty(name = "HTTP_PORT", defaultValue = "9080")
  String httpPort;

  @Inject
  @ConfigProperty(name = "meshgate.seed.file")
  Optional<String> seedFile;

  @Inject
  @ConfigProperty(name = "meshgate.proxy.max-request-bytes", defaultValue = "10485760")
  long maxRequestBytes;

  /** Liberty's limit on a whole request (a server.xml variable, which MP Config also reads). */
  @Inject
  @ConfigProperty(name = "HTTP_MAX_MESSAGE_BYTES")
  Optional<Long> maxMessageBytes;

  /**
   * How long start-up may take before liveness fails: an ISO-8601 duration or whole seconds. A
   * replica that cannot reach its database (or read its settings) for that long is restarted by
   * Kubernetes rather than left waiting.
   */
  @Inject
  @ConfigProperty(name = "meshgate.startup.deadline", defaultValue = "PT5M")
  String deadlineSetting;

  /**
   * The pause between two start-up attempts while the database is unavailable. Short, so that a
   * replica is ready within seconds of its database coming back; cheap, since an attempt against a
   * database that is down costs one refused connection (or one login timeout, {@code
   * DB_TIMEOUT_SECONDS}, if it hangs).
   */
  static final long RETRY_DELAY_SECONDS = 1;

  /** Where start-up stands; what readiness reports, in fixed words (the log has the details). */
  public enum State {
    STARTING("starting"),
    DATABASE_UNAVAILABLE("waiting for the database"),
    FAILED("failed; see the server log"),
    STARTED("started");

    private final String reason;

    State(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  private volatile State state = State.STARTING;
  private volatile Duration deadline = Duration.ofMinutes(5);
  private final long startedNanos = System.nanoTime();
  private int attempts;

  @Resource jakarta.enterprise.concurrent.ManagedScheduledExecutorService scheduler;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    maxMessageBytes
        .flatMap(limit -> RequestLimits.mismatch(maxRequestBytes, limit))
        .ifPresent(why -> LOG.warning("MESHGATE-CONFIG: " + why));
    try {
      deadline = KeySettings.parse("MESHGATE_STARTUP_DEADLINE", deadlineSetting);
    } catch (IllegalStateException e) {
      LOG.severe("MESHGATE-CONFIG: " + e.getMessage() + "; using " + deadline);
    }
    attempt();
  }

  /**
   * One start-up attempt. A failure (database not reachable yet, recovery still running after a
   * crash) is retried until it succeeds, {@value #RETRY_DELAY_SECONDS} s later while the database
   * is unavailable; readiness stays down meanwhile. The steps are safe to repeat: migrations and
   * seeds apply what is missing, and the background tasks start only once everything they read has
   * been read.
   */
  private void attempt() {
    attempts++;
    try {
      migrate();
      if (demo) {
        String upstream =
            demoUpstream
                .filter(s -> !s.isBlank())
                .orElse("http://127.0.0.1:" + httpPort + "/__meshgate/echo");
        seeder.apply(
            CatalogSeeder.parse(resource(DEMO_CATALOG).replace("${DEMO_UPSTREAM}", upstream)),
            "demo catalog");
        LOG.warning(
            "MESHGATE-DEMO: demo mode is on (MESHGATE_DEMO=true): the demo API keys free-demo-key, "
                + "premium-demo-key and beta-demo-key are active. Never run demo mode in production.");
      }
      if (seedFile.isPresent() && !seedFile.get().isBlank()) {
        Path file = Path.of(seedFile.get());
        seeder.apply(CatalogSeeder.parse(Files.readString(file)), file.toString());
      }
      try {
        keys.createFirstKeyIfNone();
      } catch (RuntimeException raced) {
        if (DatabaseOutage.isCause(raced)) {
          throw raced;
        }
        LOG.log(Level.INFO, "Another replica created the first signing key; using it", raced);
      }
      keys.reload();
      catalog.invalidateAll();
      catalog.publishedApis();
      String installation = installationId();
      sync.start(installation);
      keySync.start();
      autoRotation.start();
      limiter.start(installation);
      state = State.STARTED;
      LOG.info("MESHGATE-READY: meshgate is ready, signing key " + keys.active().kid());
    } catch (Exception e) {
      boolean outage = DatabaseOutage.isCause(e);
      state = outage ? State.DATABASE_UNAVAILABLE : State.FAILED;
      // Waiting for the database is cheap and should end as soon as it is back; anything else
      // (a bad seed file, a failed migration) is retried at a growing distance, up to 30 s.
      long delay = outage ? RETRY_DELAY_SECONDS : Math.min(30, 1L << Math.min(attempts, 5));
      String why = e.getClass().getSimpleName() + ": " + e.getMessage();
      // The first failure with its stack; then one line per attempt, or none while the database
      // stays down (a WARN every few seconds for the length of an outage helps nobody).
      if (attempts == 1 || !outage) {
        LOG.log(
            Level.SEVERE,
            "MESHGATE-STARTUP: meshgate could not start (attempt "
                + attempts
                + "), retrying in "
                + delay
                + " s: "
                + why,
            attempts == 1 ? e : null);
      }
      scheduler.schedule(this::attempt, delay, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Where start-up stands. */
  public State state() {
    return state;
  }

  /** How long start-up may take before liveness fails. */
  public Duration deadline() {
    return deadline;
  }

  /** Whether start-up has not completed and its deadline has passed. */
  public boolean pastDeadline() {
    return state != State.STARTED && System.nanoTime() - startedNanos > deadline.toNanos();
  }

  /**
   * The installation's id: set once per database (the first replica to start wins, the conditional
   * update makes the others agree), then read by every replica.
   */
  private String installationId() throws java.sql.SQLException {
    try (java.sql.Connection c = dataSource.getConnection()) {
      try (java.sql.PreparedStatement set =
          c.prepareStatement(
              "update catalog_revision set installation_id = ? where id = 1"
                  + " and installation_id is null")) {
        set.setString(1, java.util.UUID.randomUUID().toString());
        set.executeUpdate();
      }
      try (java.sql.Statement read = c.createStatement();
          java.sql.ResultSet rs =
              read.executeQuery("select installation_id from catalog_revision where id = 1")) {
        if (!rs.next() || rs.getString(1) == null) {
          throw new IllegalStateException("catalog_revision has no installation id");
        }
        return rs.getString(1);
      }
    }
  }

  private void migrate() {
    Flyway.configure(getClass().getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  private static String resource(String name) {
    try (InputStream in = Startup.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
