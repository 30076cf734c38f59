package io.meshgate.admin.security;

import io.meshgate.support.OAuthRequests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /admin/oauth2/token}: the OAuth 2.0 client-credentials grant for the bootstrap admin
 * (and viewer) client, on the admin port. Errors follow RFC 6749 §5.2.
 */
@ApplicationScoped
@Path(AdminTokenResource.PATH)
public class AdminTokenResource {
  public static final String PATH = "admin/oauth2/token";
  private static final String REALM = "meshgate-admin";

  @Inject AdminTokens tokens;

  @POST
  public Response token(@Context HttpHeaders headers, String body) {
    Map<String, String> form;
    try {
      form = OAuthRequests.parseForm(body);
    } catch (IllegalArgumentException e) {
      return OAuthRequests.error(400, "invalid_request", e.getMessage(), REALM);
    }
    String grant = form.get("grant_type");
    if (grant == null) {
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
    Optional<Set<String>> groups = tokens.authenticateClient(client.clientId(), client.secret());
    if (groups.isEmpty()) {
      return OAuthRequests.error(401, "invalid_client", "Client authentication failed", REALM);
    }
    return OAuthRequests.token(
        tokens.issue(client.clientId(), groups.get()), tokens.ttlSeconds(), null);
  }
}
