package io.meshgate.chain;

/**
 * The fixed order in which policies run. A policy's stage, not its position in the API's step list,
 * decides when it runs; position only breaks ties within a stage. The order is pinned by a test
 * because reordering it changes security (for example, a token must never be minted for a caller
 * that has not been authenticated).
 */
public enum PolicyStage {
  /** Client IP allow / deny: cheapest refusal, before any credential lookup. */
  ACCESS_LIST,
  /** Who is calling: API key, client id + secret. */
  CLIENT_AUTH,
  /** Allow / deny by the authenticated client id. */
  CLIENT_ACCESS,
  /** What the caller bought: an active subscription to a plan bundling this API. */
  SUBSCRIPTION,
  /**
   * Scopes the operation requires, against what the plan (and the caller's token) grants: after the
   * subscription, which names the plan; before the limits, so a refused call uses no quota.
   */
  SCOPE,
  /** Rate limits and quotas of the plan: before the token, so refused calls cost no signature. */
  RATE_LIMIT,
  /** The gateway JWT for the mesh. */
  TOKEN,
  /** Headers the mesh routes and trusts on. Last, so it sees everything decided before it. */
  HEADERS;

  private final String label = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

  /** {@code client-auth} for {@code CLIENT_AUTH}: the name metrics, spans and logs use. */
  public String label() {
    return label;
  }
}
