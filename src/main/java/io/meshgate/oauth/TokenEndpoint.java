package io.meshgate.oauth;

import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.catalog.runtime.SubscriptionSnapshot;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.support.OAuthRequests;
import io.meshgate.support.SecretDigester;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /oauth2/token}: the client-credentials grant for apps (RFC 6749 §4.4). The client
 * authenticates with {@code client_secret_basic} or {@code client_secret_post}; the optional {@code
 * scope} must be a subset of the scopes of the plans the app actively subscribes to.
 */
@ApplicationScoped
@Path("oauth2/token")
public class TokenEndpoint {
  private static final String REALM = "meshgate";

  @Inject CatalogCache catalog;
  @Inject SecretDigester digester;
  @Inject AccessTokens tokens;

  @POST
  public Response token(@Context HttpHeaders headers, String body) {
    Map<String, String> form;
    try {
      form = OAuthRequests.parseForm(body);
    } catch (IllegalArgumentException e) {
      return OAuthRequests.error(400, "invalid_request", e.getMessage(), REALM);
    }
    String grant = form.get("grant_type");
    if (grant == null || grant.isEmpty()) {
      return OAuthRequests.error(400, "invalid_request", "grant_type is required", REALM);
    }
    if (!grant.equals("client_credentials")) {
      return OAuthRequests.error(
          400, "unsupported_grant_type", "Only client_credentials is supported", REALM);
    }
    OAuthRequests.ClientCredentials client =
        OAuthRequests.clientCredentials(headers.getHeaderString(HttpHeaders.AUTHORIZATION), form);
    if (client.problem() != null) {
      return OAuthRequests.error(400, "invalid_request", client.problem(), REALM);
    }
    if (client.clientId() == null || client.secret() == null) {
      return OAuthRequests.error(401, "invalid_client", "Client authentication is required", REALM);
    }
    Optional<AppSnapshot> app = catalog.appByClientId(client.clientId());
    if (app.isEmpty() || !digester.matches(client.secret(), app.get().clientSecretDigest())) {
      return OAuthRequests.error(401, "invalid_client", "Client authentication failed", REALM);
    }
    if (!app.get().active()) {
      return OAuthRequests.error(401, "invalid_client", "The client is suspended", REALM);
    }
    Set<String> allowed = new LinkedHashSet<>();
    for (SubscriptionSnapshot s : app.get().subscriptions()) {
      if (s.state() == SubscriptionState.ACTIVE) {
        allowed.addAll(s.plan().scopes());
      }
    }
    Set<String> granted = allowed;
    String requested = form.get("scope");
    if (requested != null && !requested.isBlank()) {
      granted = new LinkedHashSet<>(Arrays.asList(requested.trim().split(" +")));
      Set<String> extra = new LinkedHashSet<>(granted);
      extra.removeAll(allowed);
      if (!extra.isEmpty()) {
        return OAuthRequests.error(
            400,
            "invalid_scope",
            "The client may not have scope " + String.join(" ", extra),
            REALM);
      }
    }
    String scope = String.join(" ", granted);
    return OAuthRequests.token(
        tokens.issue(client.clientId(), granted),
        tokens.ttlSeconds(),
        scope.isEmpty() ? null : scope);
  }
}
