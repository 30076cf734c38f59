package io.meshgate.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the JVM can answer. Deliberately independent of the database: a database outage should
 * take replicas out of the Service (readiness), not restart them all.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {
  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.up("meshgate");
  }
}
