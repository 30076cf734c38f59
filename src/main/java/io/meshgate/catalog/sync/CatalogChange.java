package io.meshgate.catalog.sync;

import java.util.Objects;

/**
 * One catalog write as every replica learns of it: the kind of entity it touched, that entity's id
 * and, for what belongs to an app (the app itself, its credentials, its subscriptions), the app's
 * id and client id. It says which cached snapshots and tokens are stale, so replicas evict those
 * and keep the rest (STYLE rule 17). It never carries a secret or a digest: it is stored in the
 * database and read by every replica.
 *
 * @param appId the app the entity belongs to, or {@code 0} when it belongs to none
 * @param clientId that app's client id, or {@code null}
 */
public record CatalogChange(Kind kind, String entityId, long appId, String clientId) {

  /** What was touched, and so what a replica evicts. */
  public enum Kind {
    /** An app was created, suspended, reactivated or deleted: its snapshots and tokens. */
    APP,
    /** An app's API key was added or revoked: the app's snapshots (its keys) and tokens. */
    CREDENTIAL,
    /** A subscription was created, changed state or migrated: its app's snapshots and tokens. */
    SUBSCRIPTION,
    /** A plan was created, changed or deleted: every app snapshot and token of that plan. */
    PLAN,
    /** A product changed (bundled APIs, name): the API list and everything of its plans. */
    PRODUCT,
    /** An API changed: the API list, its chain and every token minted for it. */
    API,
    /** A signing key changed: no catalog cache (cached tokens follow the active key per call). */
    SIGNING_KEY,
    /** Anything a replica cannot attribute: it drops every cached snapshot, chain and token. */
    EVERYTHING
  }

  public CatalogChange {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(entityId, "entityId");
  }

  public static CatalogChange app(long appId, String clientId) {
    return new CatalogChange(Kind.APP, Long.toString(appId), appId, clientId);
  }

  public static CatalogChange credential(long credentialId, long appId, String clientId) {
    return new CatalogChange(Kind.CREDENTIAL, Long.toString(credentialId), appId, clientId);
  }

  public static CatalogChange subscription(long subscriptionId, long appId, String clientId) {
    return new CatalogChange(Kind.SUBSCRIPTION, Long.toString(subscriptionId), appId, clientId);
  }

  public static CatalogChange plan(long planId) {
    return new CatalogChange(Kind.PLAN, Long.toString(planId), 0, null);
  }

  public static CatalogChange product(long productId) {
    return new CatalogChange(Kind.PRODUCT, Long.toString(productId), 0, null);
  }

  public static CatalogChange api(long apiId) {
    return new CatalogChange(Kind.API, Long.toString(apiId), 0, null);
  }

  public static CatalogChange signingKey(String kid) {
    return new CatalogChange(Kind.SIGNING_KEY, kid, 0, null);
  }

  public static CatalogChange everything() {
    return new CatalogChange(Kind.EVERYTHING, "*", 0, null);
  }

  /**
   * Whether the change can be evicted for as it says: kinds with a numeric entity have a number,
   * kinds of an app name it. A row that is not is treated as {@link Kind#EVERYTHING} by readers.
   */
  public boolean wellFormed() {
    return switch (kind) {
      case SIGNING_KEY, EVERYTHING -> true;
      case APP, CREDENTIAL, SUBSCRIPTION -> numeric() && appId > 0;
      case PLAN, PRODUCT, API -> numeric();
    };
  }

  private boolean numeric() {
    try {
      Long.parseLong(entityId);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The entity's id as a number (every kind but signing keys and EVERYTHING has one). */
  public long numericId() {
    return Long.parseLong(entityId);
  }
}
