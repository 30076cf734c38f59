package io.meshgate.portal;

import java.time.Instant;

/**
 * A signed-in app developer.
 *
 * @param id the stable developer id, stored as the owner of their apps ({@code demo:alice}, or
 *     {@code oidc:<subject>} for a developer of the portal's identity provider)
 * @param name what the pages show
 * @param csrf the session's CSRF token: changes must send it in {@link PortalSessions#CSRF_HEADER}
 * @param expiresAt when the session ends
 */
public record Developer(String id, String name, String csrf, Instant expiresAt) {
  /** The group of the portal API's developer-only endpoints (io.meshgate.access.EndpointRules). */
  public static final String GROUP = "portal-developer";

  /** The request attribute holding the signed-in developer of a portal API request. */
  public static final String ATTRIBUTE = "io.meshgate.portal.developer";

  /** The audit log's actor for this developer's changes. */
  public String actor() {
    return "portal:" + id;
  }
}
