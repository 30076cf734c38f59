package io.meshgate.catalog.runtime;

import java.util.List;

/** Immutable view of a plan, with the name of its product (sent as {@code x-api-product}). */
public record PlanSnapshot(
    long id,
    String name,
    long productId,
    String productName,
    List<String> scopes,
    int tokenTtlSeconds) {

  public PlanSnapshot {
    scopes = List.copyOf(scopes);
  }
}
