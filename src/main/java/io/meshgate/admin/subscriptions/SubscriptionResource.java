package io.meshgate.admin.subscriptions;

import io.meshgate.admin.Actors;
import io.meshgate.admin.Page;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.security.AdminCaller;
import io.meshgate.catalog.subscription.SubscriptionState;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.Locale;

/** {@code /admin/v1/subscriptions}; state changes are sub-resources ({@code POST {id}/approve}). */
@RequestScoped
@RolesAllowed(AdminCaller.ADMIN)
@Path("admin/v1/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionResource {
  @Inject SubscriptionAdmin subscriptions;
  @Context SecurityContext security;
  @Context UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(SubscriptionRequest request) {
    SubscriptionView created = subscriptions.create(Actors.of(security), request);
    return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(created.id())).build())
        .entity(created)
        .build();
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  public Page<SubscriptionView> list(
      @QueryParam("appId") String appId,
      @QueryParam("state") String state,
      @QueryParam("page") String page,
      @QueryParam("size") String size) {
    Page.Request request = Page.Request.of(page, size);
    return subscriptions.list(appId(appId), state(state), request);
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}")
  public SubscriptionView get(@PathParam("id") long id) {
    return subscriptions.get(id);
  }

  @POST
  @Path("{id}/approve")
  public SubscriptionView approve(@PathParam("id") long id) {
    return act(id, SubscriptionTransitions.Action.APPROVE);
  }

  @POST
  @Path("{id}/reject")
  public SubscriptionView reject(@PathParam("id") long id) {
    return act(id, SubscriptionTransitions.Action.REJECT);
  }

  @POST
  @Path("{id}/suspend")
  public SubscriptionView suspend(@PathParam("id") long id) {
    return act(id, SubscriptionTransitions.Action.SUSPEND);
  }

  @POST
  @Path("{id}/resume")
  public SubscriptionView resume(@PathParam("id") long id) {
    return act(id, SubscriptionTransitions.Action.RESUME);
  }

  @POST
  @Path("{id}/cancel")
  public SubscriptionView cancel(@PathParam("id") long id) {
    return act(id, SubscriptionTransitions.Action.CANCEL);
  }

  @POST
  @Path("{id}/migrate")
  @Consumes(MediaType.APPLICATION_JSON)
  public SubscriptionView migrate(@PathParam("id") long id, MigrateRequest request) {
    return subscriptions.migrate(Actors.of(security), id, request);
  }

  /** Current rate-limit and quota counts of the subscription. */
  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}/usage")
  public UsageView usage(@PathParam("id") long id) {
    return subscriptions.usage(id);
  }

  /** Forgets the subscription's counts: its windows and its quota start from zero. Audited. */
  @POST
  @Path("{id}/usage/reset")
  public UsageView resetUsage(@PathParam("id") long id) {
    return subscriptions.resetUsage(Actors.of(security), id);
  }

  private SubscriptionView act(long id, SubscriptionTransitions.Action action) {
    return subscriptions.apply(Actors.of(security), id, action);
  }

  private static Long appId(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw AdminException.invalid("appId", "must be an integer (was " + value + ")");
    }
  }

  private static SubscriptionState state(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return SubscriptionState.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw AdminException.invalid(
          "state", "must be pending, active, suspended or cancelled (was " + value + ")");
    }
  }
}
