package io.meshgate.admin.apis;

import io.meshgate.catalog.api.MeshDestination;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** An API as the admin API shows it (and as the audit log records it). */
public record ApiView(
    long id,
    String name,
    String version,
    String basePath,
    String upstreamUrl,
    String audience,
    Integer readTimeoutMs,
    Integer connectTimeoutMs,
    String state,
    long revision,
    List<StepView> steps,
    MeshDestination mesh,
    Instant createdAt,
    Instant updatedAt) {

  public record StepView(String policy, JsonObject config) {}
}
