package io.meshgate.catalog.runtime;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Immutable view of a published API for the data plane.
 *
 * @param audience the {@code aud} of gateway tokens for this API (the API name unless set)
 * @param connectTimeoutMs per-API override, or {@code null} for the configured default
 * @param readTimeoutMs per-API override, or {@code null} for the configured default
 * @param productIds products that bundle this API
 */
public record ApiSnapshot(
    long id,
    String name,
    String version,
    String basePath,
    URI upstreamUrl,
    String audience,
    Integer connectTimeoutMs,
    Integer readTimeoutMs,
    long revision,
    List<PolicyStepSnapshot> steps,
    Set<Long> productIds) {

  public ApiSnapshot {
    steps = List.copyOf(steps);
    productIds = Set.copyOf(productIds);
  }

  /** One configured step: policy id, position and raw JSON config. */
  public record PolicyStepSnapshot(int position, String policyId, String configJson) {}
}
