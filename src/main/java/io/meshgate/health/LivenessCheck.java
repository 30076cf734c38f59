package io.meshgate.health;

import io.meshgate.support.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the JVM can answer, and start-up either completed or is still within its deadline
 * ({@code MESHGATE_STARTUP_DEADLINE}). A database outage after start-up does not fail it: that
 * should take replicas out of the Service (readiness), not restart them all. A replica that could
 * not start for that long (a database that never came back, a wrong setting) is restarted by
 * Kubernetes instead of waiting for ever.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {
  @Inject Startup startup;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("meshgate");
    if (startup.pastDeadline()) {
      return response
          .withData("startup", "not complete within " + startup.deadline())
          .down()
          .build();
    }
    return response.up().build();
  }
}
