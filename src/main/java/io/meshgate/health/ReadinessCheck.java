package io.meshgate.health;

import io.meshgate.support.Startup;
import io.meshgate.token.SigningKeys;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when start-up completed, the database answers and an active signing key is loaded. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

  @Resource(lookup = "jdbc/meshgate")
  DataSource dataSource;

  @Inject Startup startup;
  @Inject SigningKeys keys;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("meshgate");
    boolean up = true;
    String failure = startup.failure();
    if (failure != null) {
      response.withData("startup", failure);
      up = false;
    }
    try (Connection c = dataSource.getConnection()) {
      boolean valid = c.isValid(2);
      response.withData("database", valid ? "up" : "down");
      up &= valid;
    } catch (SQLException e) {
      response.withData("database", "down: " + e.getMessage());
      up = false;
    }
    boolean signing = keys.hasActiveKey();
    response.withData("signingKey", signing ? keys.active().kid() : "none");
    up &= signing;
    return response.status(up).build();
  }
}
