package io.meshgate.oauth;

import io.meshgate.catalog.DatabaseOutage;
import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.support.OAuthRequests;
import io.meshgate.support.SecretDigester;
import io.meshgate.token.SigningUnavailableException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /oauth2/token}: the client-credentials grant for apps (RFC 6749 §4.4). The client
 * authenticates with {@code client_secret_basic} or {@code client_secret_post}; the optional {@code
 * scope} must be a subset of the scopes of the plans the app actively subscribes to. The rules live
 * in {@link ClientCredentialsGrant}; this resource reads the raw request (no {@code @Consumes}, so
 * a wrong {@code Content-Type} is an RFC error, not a container 415) and renders the outcome.
 *
 * <p>Its literal path wins over the data plane's catch-all {@code {path: .*}} (JAX-RS prefers more
 * literal characters), so {@code /oauth2/token} is never proxied.
 */
@ApplicationScoped
@Path("oauth2/token")
public class TokenEndpoint {
  private static final Logger LOG = Logger.getLogger(TokenEndpoint.class.getName());
  private static final String REALM = "meshgate";

  /** A client-credentials form is a few hundred bytes; anything much larger is not one. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  @Inject CatalogCache catalog;
  @Inject SecretDigester digester;
  @Inject AccessTokens tokens;

  private ClientCredentialsGrant grant;

  @PostConstruct
  void init() {
    grant = new ClientCredentialsGrant(catalog::appByClientId, digester);
  }

  @POST
  public Response token(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      InputStream body) {
    String form;
    try {
      byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        return refused(
            new ClientCredentialsGrant.Refused(
                400,
                ClientCredentialsGrant.INVALID_REQUEST,
                "The request body is larger than " + MAX_BODY_BYTES + " bytes"));
      }
      form = new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return refused(
          new ClientCredentialsGrant.Refused(
              400, ClientCredentialsGrant.INVALID_REQUEST, "The request body could not be read"));
    }
    ClientCredentialsGrant.Outcome outcome;
    try {
      outcome = grant.decide(contentType, authorization, form);
    } catch (RuntimeException e) {
      if (!DatabaseOutage.isCause(e)) {
        throw e;
      }
      LOG.log(Level.FINE, "Token request refused: the database is unavailable", e);
      return temporarilyUnavailable(DatabaseOutage.DETAIL, DatabaseOutage.RETRY_AFTER_SECONDS);
    }
    if (outcome instanceof ClientCredentialsGrant.Refused refused) {
      return refused(refused);
    }
    ClientCredentialsGrant.Granted granted = (ClientCredentialsGrant.Granted) outcome;
    String accessToken;
    try {
      accessToken = tokens.issue(granted.clientId(), granted.scopes());
    } catch (SigningUnavailableException e) {
      LOG.log(Level.WARNING, "MESHGATE-OAUTH: cannot issue an access token: " + e.getMessage());
      return temporarilyUnavailable("No signing key is available", "5");
    }
    LOG.fine(() -> "Access token issued to client_id=" + granted.clientId());
    String scope = String.join(" ", granted.scopes());
    return OAuthRequests.token(accessToken, tokens.ttlSeconds(), scope.isEmpty() ? null : scope);
  }

  /**
   * RFC 6749 defines {@code temporarily_unavailable} for the authorization endpoint only; the token
   * endpoint uses it too, in the same JSON shape as its other errors, so a client library that
   * reads {@code error} gets a meaningful one rather than an unknown body.
   */
  private static Response temporarilyUnavailable(String description, String retryAfterSeconds) {
    return Response.status(503)
        .type("application/json")
        .header("Cache-Control", "no-store")
        .header("Pragma", "no-cache")
        .header("Retry-After", retryAfterSeconds)
        .entity(
            Json.createObjectBuilder()
                .add("error", "temporarily_unavailable")
                .add("error_description", description)
                .build()
                .toString())
        .build();
  }

  // Other methods get the RFC error shape too, rather than a bare container 405.

  @GET
  public Response get() {
    return postOnly();
  }

  @PUT
  public Response put() {
    return postOnly();
  }

  @DELETE
  public Response delete() {
    return postOnly();
  }

  @PATCH
  public Response patch() {
    return postOnly();
  }

  private static Response postOnly() {
    return Response.fromResponse(
            OAuthRequests.error(
                405,
                ClientCredentialsGrant.INVALID_REQUEST,
                "The token endpoint accepts POST only",
                REALM))
        .header(HttpHeaders.ALLOW, "POST")
        .build();
  }

  private static Response refused(ClientCredentialsGrant.Refused refused) {
    LOG.fine(() -> "Token request refused: " + refused.error() + ": " + refused.description());
    return OAuthRequests.error(refused.status(), refused.error(), refused.description(), REALM);
  }
}
