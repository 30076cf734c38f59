package io.meshgate.portal;

import io.meshgate.admin.error.AdminException;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /portal/api/session}: who is signed in to the developer portal, signing in and out. Public
 * (io.meshgate.access.EndpointRules): it is how a developer gets a session. In demo mode ({@code
 * MESHGATE_DEMO=true}) a developer signs in by name alone ({@code POST /portal/api/session/demo});
 * that is for trying the portal, never for a real deployment.
 */
@Path("portal/api/session")
@Produces(MediaType.APPLICATION_JSON)
public class PortalSessionResource {
  static final String SIGN_IN_UNAVAILABLE = "PORTAL_SIGN_IN_UNAVAILABLE";

  @Inject PortalSessions sessions;
  @Inject OidcSignIn oidc;

  @Inject
  @ConfigProperty(name = "meshgate.demo", defaultValue = "false")
  boolean demo;

  @Context HttpHeaders headers;

  /**
   * The current session (developer, CSRF token for changes) and the ways to sign in.
   *
   * @param signedIn whether the request carries a valid session
   * @param csrf the token to send in {@code X-CSRF-Token} with every change
   * @param demoSignIn whether {@code POST /portal/api/session/demo} is available
   * @param oidcSignIn whether {@code GET /portal/api/session/oidc/login} signs in through the
   *     portal's OpenID Connect provider
   */
  public record Session(
      boolean signedIn,
      String developer,
      String name,
      String csrf,
      Instant expiresAt,
      boolean demoSignIn,
      boolean oidcSignIn) {}

  /**
   * A demo sign-in.
   *
   * @param developer the demo developer's name; their id is {@code demo:<name>}
   */
  public record DemoSignIn(
      @NotNull(message = "is required")
          @Pattern(
              regexp = "[a-z][a-z0-9-]{0,31}",
              message = "must be 1 to 32 lower-case letters, digits or '-', starting with a letter")
          String developer) {}

  @GET
  public Session session() {
    Optional<Developer> d = sessions.developer(headers.getCookies());
    boolean viaOidc = oidc.configured();
    return d.map(x -> new Session(true, x.id(), x.name(), x.csrf(), x.expiresAt(), demo, viaOidc))
        .orElse(new Session(false, null, null, null, null, demo, viaOidc));
  }

  @POST
  @Path("demo")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response demoSignIn(DemoSignIn request) {
    if (!demo) {
      throw new AdminException(
          404, SIGN_IN_UNAVAILABLE, "Demo sign-in is only available in demo mode");
    }
    refuseCrossSite();
    if (request.developer() == null || !request.developer().matches("[a-z][a-z0-9-]{0,31}")) {
      throw AdminException.invalid(
          "developer", "must be 1 to 32 lower-case letters, digits or '-', starting with a letter");
    }
    return Response.noContent()
        .cookie(sessions.signIn("demo:" + request.developer(), request.developer()))
        .build();
  }

  /** Sends the browser to the OpenID Connect provider to sign in. */
  @GET
  @Path("oidc/login")
  public Response oidcLogin() throws InterruptedException {
    if (!oidc.configured()) {
      throw new AdminException(
          404, SIGN_IN_UNAVAILABLE, "No OpenID Connect provider is configured for the portal");
    }
    try {
      OidcSignIn.Redirect redirect = oidc.start();
      return Response.seeOther(redirect.location()).cookie(redirect.cookie()).build();
    } catch (IOException | RuntimeException e) {
      throw new AdminException(
          502,
          "PORTAL_IDP_UNAVAILABLE",
          "The portal's OpenID Connect provider cannot be reached: try again later");
    }
  }

  /**
   * Where the provider sends the browser back: a valid answer signs the developer in and goes to
   * their apps; anything else goes to the portal's sign-in page with a message (the reason is
   * logged, not shown).
   */
  @GET
  @Path("oidc/callback")
  public Response oidcCallback(@QueryParam("code") String code, @QueryParam("state") String state)
      throws InterruptedException {
    if (!oidc.configured()) {
      throw new AdminException(
          404, SIGN_IN_UNAVAILABLE, "No OpenID Connect provider is configured for the portal");
    }
    Cookie attempt = headers.getCookies().get(OidcSignIn.LOGIN_COOKIE);
    Optional<NewCookie> session =
        oidc.complete(attempt == null ? null : attempt.getValue(), code, state);
    return Response.seeOther(
            URI.create(session.isPresent() ? "/portal/#/apps" : "/portal/#/sign-in-failed"))
        .cookie(
            session
                .map(c -> new NewCookie[] {c, oidc.clearLogin()})
                .orElse(new NewCookie[] {oidc.clearLogin()}))
        .build();
  }

  @DELETE
  public Response signOut() {
    refuseCrossSite();
    return Response.noContent().cookie(sessions.signOut()).build();
  }

  private void refuseCrossSite() {
    if (!PortalSessions.sameOrigin(headers)) {
      throw new AdminException(
          403, "PORTAL_CSRF", "Sign-in and sign-out must come from the portal's own pages");
    }
  }
}
