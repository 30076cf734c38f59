package io.meshgate.portal;

import io.meshgate.admin.Page;
import io.meshgate.admin.apps.AppAdmin;
import io.meshgate.admin.apps.AppRequest;
import io.meshgate.admin.apps.AppViews;
import io.meshgate.admin.apps.CredentialRequest;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.products.ProductAdmin;
import io.meshgate.admin.subscriptions.SubscriptionAdmin;
import io.meshgate.admin.subscriptions.SubscriptionRequest;
import io.meshgate.admin.subscriptions.SubscriptionTransitions;
import io.meshgate.admin.subscriptions.SubscriptionView;
import io.meshgate.admin.subscriptions.UsageView;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /portal/api/apps}: a signed-in developer's own apps, their credentials, subscriptions and
 * usage. Only for a portal session (io.meshgate.access.EndpointRules.DEVELOPER; a change also needs
 * the session's CSRF token). Each call goes through the admin use cases, audited as {@code
 * portal:<developer>}; an app the developer does not own is {@code 404 APP_NOT_FOUND}, whether it
 * exists or not, so ids reveal nothing.
 */
@Path("portal/api/apps")
@Produces(MediaType.APPLICATION_JSON)
public class PortalAppsResource {
  /** Subscriptions one app can hold are few (one per product); the portal lists up to this. */
  static final int MAX_SUBSCRIPTIONS = 100;

  @Inject AppAdmin apps;
  @Inject SubscriptionAdmin subscriptions;
  @Inject PortalCatalogResource catalog;

  @Inject
  @ConfigProperty(name = "meshgate.portal.max-apps", defaultValue = "20")
  int maxApps;

  @Inject
  @ConfigProperty(name = "meshgate.portal.max-keys", defaultValue = "10")
  int maxKeys;

  @Context HttpServletRequest request;

  /** A developer's app with its subscriptions. */
  public record App(
      long id,
      String name,
      String clientId,
      String state,
      List<AppViews.Credential> credentials,
      List<SubscriptionView> subscriptions,
      Instant createdAt) {}

  /** A new app: its name only; the owner is the signed-in developer. */
  public record NewApp(@NotNull(message = "is required") String name) {}

  /** A new API key for an app. */
  public record NewKey(
      @Size(max = 200, message = "must be at most 200 characters") String label,
      @Future(message = "must be in the future") Instant expiresAt) {}

  /** A subscription of an app to a plan the portal offers. */
  public record NewSubscription(@NotNull(message = "is required") Long planId) {}

  @GET
  public List<App> list() {
    Developer developer = developer();
    return apps.listByOwner(developer.id(), maxApps).stream().map(this::app).toList();
  }

  @GET
  @Path("{id}")
  public App get(@PathParam("id") long id) {
    return app(owned(id));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(NewApp body) {
    Developer developer = developer();
    if (apps.countByOwner(developer.id()) >= maxApps) {
      throw AdminException.conflict(
          "PORTAL_APP_LIMIT", "A developer may have at most " + maxApps + " apps");
    }
    AppViews.Created created =
        apps.create(developer.actor(), new AppRequest(body.name(), developer.id(), null));
    return Response.status(201).entity(created).build();
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("id") long id) {
    if (owned(id).state().equals("suspended")) {
      // Deleting it and registering another would undo the platform team's suspension.
      throw AdminException.conflict(
          AppAdmin.APP_STATE_CONFLICT,
          "This app is suspended by the platform team: only they can delete it");
    }
    apps.delete(developer().actor(), id);
    return Response.noContent().build();
  }

  @POST
  @Path("{id}/keys")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response addKey(@PathParam("id") long id, NewKey body) {
    long active = owned(id).credentials().stream().filter(c -> c.revokedAt() == null).count();
    if (active >= maxKeys) {
      throw AdminException.conflict(
          "PORTAL_KEY_LIMIT",
          "An app may have at most " + maxKeys + " credentials in use: revoke one first");
    }
    AppViews.NewKey key =
        apps.addKey(developer().actor(), id, new CredentialRequest(body.expiresAt(), body.label()));
    return Response.status(201).entity(key).build();
  }

  @POST
  @Path("{id}/keys/{credentialId}/revoke")
  public AppViews.Credential revokeKey(
      @PathParam("id") long id, @PathParam("credentialId") long credentialId) {
    owned(id);
    return apps.revoke(developer().actor(), id, credentialId);
  }

  @POST
  @Path("{id}/subscriptions")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response subscribe(@PathParam("id") long id, NewSubscription body) {
    owned(id);
    if (body.planId() == null || catalog.offeredPlan(body.planId()) == null) {
      throw AdminException.notFound(
          ProductAdmin.PLAN_NOT_FOUND, "plan", body.planId() == null ? "" : body.planId());
    }
    SubscriptionView created =
        subscriptions.create(developer().actor(), new SubscriptionRequest(id, body.planId()));
    return Response.status(201).entity(created).build();
  }

  @POST
  @Path("{id}/subscriptions/{subscriptionId}/cancel")
  public SubscriptionView cancel(
      @PathParam("id") long id, @PathParam("subscriptionId") long subscriptionId) {
    if (ownedSubscription(id, subscriptionId).state().equals("suspended")) {
      // Cancelling it and subscribing again would undo the platform team's suspension.
      throw AdminException.conflict(
          SubscriptionAdmin.SUBSCRIPTION_STATE_CONFLICT,
          "This subscription is suspended by the platform team: only they can cancel it");
    }
    return subscriptions.apply(
        developer().actor(), subscriptionId, SubscriptionTransitions.Action.CANCEL);
  }

  /** The current counts and limits of each active subscription of the app. */
  @GET
  @Path("{id}/usage")
  public List<UsageView> usage(@PathParam("id") long id) {
    return subscriptionsOf(owned(id).id()).stream()
        .filter(s -> s.state().equals("active"))
        .map(s -> subscriptions.usage(s.id()))
        .toList();
  }

  private Developer developer() {
    if (!(request.getAttribute(Developer.ATTRIBUTE) instanceof Developer developer)) {
      // AccessFilter sets it for every method of this resource; without it, refuse.
      throw new AdminException(401, "PORTAL_SIGN_IN_REQUIRED", "Sign in to the portal first");
    }
    return developer;
  }

  private AppViews.App owned(long id) {
    AppViews.App app;
    try {
      app = apps.get(id);
    } catch (AdminException e) {
      app = null;
    }
    if (app == null || !developer().id().equals(app.owner())) {
      throw AdminException.notFound(AppAdmin.APP_NOT_FOUND, "app", id);
    }
    return app;
  }

  private SubscriptionView ownedSubscription(long appId, long subscriptionId) {
    owned(appId);
    return subscriptionsOf(appId).stream()
        .filter(s -> s.id() == subscriptionId)
        .findFirst()
        .orElseThrow(
            () ->
                AdminException.notFound(
                    SubscriptionAdmin.SUBSCRIPTION_NOT_FOUND, "subscription", subscriptionId));
  }

  private List<SubscriptionView> subscriptionsOf(long appId) {
    return subscriptions.list(appId, null, new Page.Request(0, MAX_SUBSCRIPTIONS)).items();
  }

  private App app(AppViews.App a) {
    return new App(
        a.id(),
        a.name(),
        a.clientId(),
        a.state(),
        a.credentials(),
        subscriptionsOf(a.id()),
        a.createdAt());
  }
}
