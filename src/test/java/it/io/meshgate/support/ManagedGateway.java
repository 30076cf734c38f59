package it.io.meshgate.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.arquillian.container.spi.Container;
import org.jboss.arquillian.container.spi.ContainerRegistry;
import org.jboss.arquillian.container.spi.client.deployment.Deployment;
import org.jboss.arquillian.container.spi.client.deployment.DeploymentDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.context.annotation.DeploymentScoped;
import org.jboss.arquillian.container.spi.event.DeployDeployment;
import org.jboss.arquillian.container.spi.event.UnDeployDeployment;
import org.jboss.arquillian.container.spi.event.container.AfterDeploy;
import org.jboss.arquillian.container.spi.event.container.BeforeStart;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.InstanceProducer;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.EventContext;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;

/**
 * The integration suite's gateway, run by Arquillian's managed Liberty container ({@code
 * arquillian.xml}): one server per failsafe execution, on the database that execution names ({@code
 * meshgate.it.db}), started before the first Arquillian test class and stopped after the last. A
 * test class extends {@link OnManagedGateway}, which deploys the WAR Maven built (the first class's
 * deployment serves the whole suite, see {@link OneDeployment}), and reaches it through
 * {@code @ArquillianResource URL}, {@link #server()} or {@link Gateways#get()}:
 *
 * <pre>{@code
 * class SomeIT extends OnManagedGateway {
 *   @ArquillianResource URL base;
 * }
 * }</pre>
 *
 * <p>Before Arquillian starts the server, {@link Preparation} makes it: a copy of the server Maven
 * prepared without its application (Arquillian deploys that), configured through {@code server.env}
 * like every other test server: its own database (emptied first), secrets and random ports, the
 * suite's catalog seed, and this JVM's {@link StubUpstream} as the upstream of every API in it.
 * After each deployment it waits until the gateway is ready, as Kubernetes would before sending
 * traffic.
 */
public final class ManagedGateway {
  private static final String CONTEXT_ROOT =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <web-ext xmlns="http://websphere.ibm.com/xml/ns/javaee" version="1.0">
        <context-root uri="/"/>
      </web-ext>
      """;

  private static volatile Prepared prepared;

  private ManagedGateway() {}

  private record Prepared(LibertyServer server, StubUpstream upstream, Map<String, String> env) {}

  /**
   * The WAR Maven built, at context root {@code /} as the product's server.xml deploys it (Liberty
   * reads a deployed WAR's context root from {@code ibm-web-ext.xml}).
   */
  public static WebArchive war() {
    Path war = Path.of(System.getProperty("meshgate.war", "target/meshgate.war"));
    return ShrinkWrap.createFromZipFile(WebArchive.class, war.toFile())
        .addAsWebInfResource(new StringAsset(CONTEXT_ROOT), "ibm-web-ext.xml");
  }

  /** {@code pathAndQuery} on the data port of the deployment at {@code base}. */
  public static URI uri(URL base, String pathAndQuery) {
    return URI.create(
        base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + pathAndQuery);
  }

  /**
   * The server, for its admin port, log and settings. Arquillian starts and stops it: never stop,
   * restart or kill it (tests that need that start a {@link LibertyServer} of their own).
   */
  public static LibertyServer server() {
    return prepared().server();
  }

  /** The server's settings ({@code server.env}): its database, secrets and seed. */
  static Map<String, String> env() {
    return prepared().env();
  }

  /** The mesh service behind the gateway's APIs. */
  public static StubUpstream upstream() {
    return prepared().upstream();
  }

  private static Prepared prepared() {
    if (prepared == null) {
      throw new IllegalStateException(
          "The managed gateway is not prepared: is the test class run by ArquillianExtension?");
    }
    return prepared;
  }

  private static Map<String, String> env(StubUpstream upstream) {
    Map<String, String> env = new LinkedHashMap<>(Gateways.ownDatabase("arquillian"));
    env.put("MESHGATE_KEK", Gateways.randomKey());
    env.put("MESHGATE_SECRET_PEPPER", Gateways.randomKey());
    env.put("MESHGATE_ISSUER", Gateways.ISSUER);
    env.put("MESHGATE_ADMIN_CLIENT_ID", Gateways.ADMIN_CLIENT_ID);
    env.put("MESHGATE_ADMIN_CLIENT_SECRET", Gateways.ADMIN_CLIENT_SECRET);
    env.put("MESHGATE_ADMIN_VIEWER_CLIENT_ID", Gateways.VIEWER_CLIENT_ID);
    env.put("MESHGATE_ADMIN_VIEWER_CLIENT_SECRET", Gateways.VIEWER_CLIENT_SECRET);
    env.put("MESHGATE_DEMO", "true");
    env.put("MESHGATE_DEMO_UPSTREAM", upstream.baseUrl() + "/demo");
    // The developer portal signs in through the stub upstream's OpenID Connect provider; the
    // callback is on this server's own (random) data port, by MicroProfile Config's expansion.
    env.put("MESHGATE_PORTAL_OIDC_ISSUER", upstream.baseUrl() + "/oidc");
    env.put("MESHGATE_PORTAL_OIDC_CLIENT_ID", StubOidcProvider.CLIENT_ID);
    env.put("MESHGATE_PORTAL_OIDC_CLIENT_SECRET", StubOidcProvider.CLIENT_SECRET);
    env.put(
        "MESHGATE_PORTAL_OIDC_REDIRECT_URI",
        "http://localhost:${HTTP_PORT}/portal/api/session/oidc/callback");
    // The conformance self-test calls destinations these tests run on the loopback interface.
    env.put("MESHGATE_ISTIO_CONFORMANCE_ALLOWED_HOSTS", "127.0.0.1");
    env.put("MESHGATE_SEED_FILE", Gateways.seedFile(seed(upstream)).toString());
    env.put("MESHGATE_PROXY_MAX_REQUEST_BYTES", Integer.toString(Gateways.MAX_REQUEST_BYTES));
    if (Boolean.getBoolean("meshgate.it.redis")) {
      requireRedis();
      env.put("REDIS_URL", Gateways.REDIS_URL);
      // Polling so slow that only Redis can propagate a catalog change in time.
      env.put("MESHGATE_CATALOG_POLL_INTERVAL_MS", "30000");
      // A scheduling stall on 2 busy cores must not move decisions to the fail-open fallback.
      env.put("MESHGATE_LIMITER_REDIS_TIMEOUT_MS", "1000");
    }
    return env;
  }

  /**
   * The suite's catalog ({@code seed.json} beside this class): APIs on the stub upstream (one of
   * them on a closed port), a product with an open and an approval plan, and apps in every
   * subscription state.
   */
  private static String seed(StubUpstream upstream) {
    try (InputStream in = ManagedGateway.class.getResourceAsStream("seed.json")) {
      String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return template.formatted(upstream.baseUrl(), LibertyServer.freePort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Redis must answer PING: its absence skips the suite locally and fails it under CI=true. */
  private static void requireRedis() {
    RedisURI uri = RedisURI.create(Gateways.REDIS_URL);
    uri.setTimeout(Duration.ofSeconds(2));
    RedisClient client = RedisClient.create(uri);
    try (var connection = client.connect()) {
      connection.sync().ping();
    } catch (RedisException e) {
      String why = "Redis at " + Gateways.REDIS_URL + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + " (CI=true: Redis is required)", e);
      }
      Assumptions.abort(why);
    } finally {
      client.shutdown();
    }
  }

  /** Registers {@link Preparation} with Arquillian (META-INF/services). */
  public static final class Extension implements LoadableExtension {
    @Override
    public void register(ExtensionBuilder builder) {
      builder.observer(Preparation.class).observer(OneDeployment.class);
    }
  }

  /** Makes the server before Arquillian starts it; waits for readiness after each deployment. */
  public static final class Preparation {
    @Inject private Instance<ContainerRegistry> registry;

    public void prepare(@Observes BeforeStart event) {
      Container<?> container =
          registry.get().getContainers().stream()
              .filter(c -> c.getDeployableContainer() == event.getDeployableContainer())
              .findFirst()
              .orElseThrow();
      String name =
          container.getContainerConfiguration().getContainerProperties().get("serverName");
      StubUpstream upstream = new StubUpstream();
      Runtime.getRuntime().addShutdownHook(new Thread(upstream::close));
      Map<String, String> env = env(upstream);
      prepared =
          new Prepared(
              LibertyServer.create(name, env).withoutApplication(), upstream, Map.copyOf(env));
    }

    public void awaitReady(@Observes AfterDeploy event) {
      prepared().server().awaitReady(Duration.ofSeconds(180));
    }
  }

  /**
   * Deploys the WAR once per suite rather than once per test class, as the suite's single server
   * did before Arquillian ran it: each redeployment restarted the application (about 10 s on 2
   * cores) and tested nothing the first deployment did not. Later classes get the first
   * deployment's address; the server's stop at the end of the suite removes it.
   */
  public static final class OneDeployment {
    private static ProtocolMetaData deployed;
    private static String deployedName;

    @Inject @DeploymentScoped private InstanceProducer<ProtocolMetaData> metaData;
    @Inject @DeploymentScoped private InstanceProducer<DeploymentDescription> description;
    @Inject @DeploymentScoped private InstanceProducer<Deployment> deployment;

    public void deploy(@Observes(precedence = -100) EventContext<DeployDeployment> context) {
      Deployment next = context.getEvent().getDeployment();
      String name = next.getDescription().getArchive().getName();
      if (deployed == null) {
        context.proceed();
        deployed = metaData.get();
        deployedName = name;
        return;
      }
      if (!name.equals(deployedName)) {
        throw new IllegalStateException(
            "Every Arquillian test class deploys ManagedGateway.war(), not " + name);
      }
      description.set(next.getDescription());
      deployment.set(next);
      metaData.set(deployed);
      next.deployed();
    }

    public void keep(@Observes(precedence = -100) EventContext<UnDeployDeployment> context) {
      // The next test class deploys the same WAR: leave it running.
    }
  }
}
