package io.meshgate.admin.apis;

import io.meshgate.admin.Actors;
import io.meshgate.admin.Page;
import io.meshgate.admin.security.AdminCaller;
import io.meshgate.catalog.api.ApiState;
import io.meshgate.token.Issuer;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

/**
 * {@code /admin/v1/apis}: create, read, list, replace, delete; publish and retire as state
 * sub-resources. Bodies are validated by {@link ApiAdmin} together with the policy configs, so one
 * 400 lists every violation.
 */
@RequestScoped
@RolesAllowed(AdminCaller.ADMIN)
@Path("admin/v1/apis")
@Produces(MediaType.APPLICATION_JSON)
public class ApiResource {
  @Inject ApiAdmin apis;
  @Inject ApiDocuments documents;
  @Inject Issuer issuer;
  @Context SecurityContext security;
  @Context UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(ApiRequest request) {
    ApiView created = apis.create(Actors.of(security), request);
    return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(created.id())).build())
        .entity(created)
        .build();
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  public Page<ApiView> list(
      @QueryParam("name") String name,
      @QueryParam("page") String page,
      @QueryParam("size") String size) {
    return apis.list(name, Page.Request.of(page, size));
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}")
  public ApiView get(@PathParam("id") long id) {
    return apis.get(id);
  }

  /**
   * The API's documentation for the developer portal: an OpenAPI 3.1 document compiled from the
   * catalog ({@link ApiDocuments}), with the gateway's public URL ({@code MESHGATE_ISSUER}) as its
   * server.
   */
  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}/openapi")
  public Response openApi(@PathParam("id") long id) {
    return Response.ok(documents.openApi(id, issuer.url()), MediaType.APPLICATION_JSON_TYPE)
        .build();
  }

  @PUT
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public ApiView update(@PathParam("id") long id, ApiRequest request) {
    return apis.update(Actors.of(security), id, request);
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("id") long id) {
    apis.delete(Actors.of(security), id);
    return Response.noContent().build();
  }

  @POST
  @Path("{id}/publish")
  public ApiView publish(@PathParam("id") long id) {
    return apis.changeState(Actors.of(security), id, ApiState.PUBLISHED);
  }

  @POST
  @Path("{id}/retire")
  public ApiView retire(@PathParam("id") long id) {
    return apis.changeState(Actors.of(security), id, ApiState.RETIRED);
  }
}
