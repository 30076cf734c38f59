package io.meshgate.catalog.runtime;

import java.util.List;

/**
 * Immutable view of a plan, with the name of its product (sent as {@code x-api-product}) and the
 * limits the rate-limit policy enforces.
 */
public record PlanSnapshot(
    long id,
    String name,
    long productId,
    String productName,
    List<String> scopes,
    int tokenTtlSeconds,
    PlanLimits limits) {

  public PlanSnapshot {
    scopes = List.copyOf(scopes);
    limits = limits == null ? PlanLimits.NONE : limits;
  }

  /** The scopes as the {@code scope} claim writes them (space-separated). */
  public String scopeClaim() {
    return String.join(" ", scopes);
  }

  /** A plan without limits. */
  public PlanSnapshot(
      long id,
      String name,
      long productId,
      String productName,
      List<String> scopes,
      int tokenTtlSeconds) {
    this(id, name, productId, productName, scopes, tokenTtlSeconds, PlanLimits.NONE);
  }
}
