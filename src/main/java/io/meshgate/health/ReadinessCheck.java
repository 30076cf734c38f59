package io.meshgate.health;

import io.meshgate.edge.TlsEdge;
import io.meshgate.support.Startup;
import io.meshgate.token.SigningKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when start-up completed, the database answers and an active signing key is loaded. Answers
 * within about half a second in every state of the database ({@link DatabaseProbe}), and its body
 * holds fixed words only, never an exception's text: it is served on the public port.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

  @Inject Startup startup;
  @Inject SigningKeys keys;
  @Inject DatabaseProbe database;
  @Inject TlsEdge tlsEdge;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("meshgate");
    boolean up = true;
    Startup.State state = startup.state();
    if (state != Startup.State.STARTED) {
      response.withData("startup", state.reason());
      up = false;
    }
    String db = database.state();
    response.withData("database", db);
    up &= db.equals(DatabaseProbe.UP);
    boolean signing = keys.hasActiveKey();
    response.withData("signingKey", signing ? keys.active().kid() : "none");
    up &= signing;
    TlsEdge.State tls = tlsEdge.state();
    if (tls != TlsEdge.State.OFF) {
      // Configured certificates that could not be loaded: the HTTPS port is closed.
      response.withData("tls", tls == TlsEdge.State.SERVING ? "serving" : "failed");
      up &= tls == TlsEdge.State.SERVING;
    }
    return response.status(up).build();
  }
}
