package io.meshgate.admin.apps;

import io.meshgate.admin.Actors;
import io.meshgate.admin.Page;
import io.meshgate.admin.security.AdminCaller;
import io.meshgate.catalog.app.AppState;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.util.List;

/**
 * {@code /admin/v1/apps} and {@code /admin/v1/apps/{id}/credentials}. Create responses carry a
 * secret and are marked {@code Cache-Control: no-store}.
 */
@RequestScoped
@RolesAllowed(AdminCaller.ADMIN)
@Path("admin/v1/apps")
@Produces(MediaType.APPLICATION_JSON)
public class AppResource {
  private static final String NO_STORE = "no-store";

  @Inject AppAdmin apps;
  @Context SecurityContext security;
  @Context UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(AppRequest request) {
    AppViews.Created created = apps.create(Actors.of(security), request);
    return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(created.id())).build())
        .header("Cache-Control", NO_STORE)
        .entity(created)
        .build();
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  public Page<AppViews.App> list(
      @QueryParam("name") String name,
      @QueryParam("page") String page,
      @QueryParam("size") String size) {
    return apps.list(name, Page.Request.of(page, size));
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}")
  public AppViews.App get(@PathParam("id") long id) {
    return apps.get(id);
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("id") long id) {
    apps.delete(Actors.of(security), id);
    return Response.noContent().build();
  }

  @POST
  @Path("{id}/suspend")
  public AppViews.App suspend(@PathParam("id") long id) {
    return apps.changeState(Actors.of(security), id, AppState.SUSPENDED);
  }

  @POST
  @Path("{id}/reactivate")
  public AppViews.App reactivate(@PathParam("id") long id) {
    return apps.changeState(Actors.of(security), id, AppState.ACTIVE);
  }

  @POST
  @Path("{id}/credentials")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response addKey(@PathParam("id") long id, CredentialRequest request) {
    if (request != null && request.isCertificate()) {
      AppViews.NewCertificate cert = apps.addCertificate(Actors.of(security), id, request);
      return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(cert.id())).build())
          .entity(cert)
          .build();
    }
    AppViews.NewKey key = apps.addKey(Actors.of(security), id, request);
    return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(key.id())).build())
        .header("Cache-Control", NO_STORE)
        .entity(key)
        .build();
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}/credentials")
  public List<AppViews.Credential> credentials(@PathParam("id") long id) {
    return apps.credentials(id);
  }

  @POST
  @Path("{id}/credentials/{credentialId}/revoke")
  public AppViews.Credential revoke(
      @PathParam("id") long id, @PathParam("credentialId") long credentialId) {
    return apps.revoke(Actors.of(security), id, credentialId);
  }

  @DELETE
  @Path("{id}/credentials/{credentialId}")
  public AppViews.Credential revokeByDelete(
      @PathParam("id") long id, @PathParam("credentialId") long credentialId) {
    return apps.revoke(Actors.of(security), id, credentialId);
  }
}
