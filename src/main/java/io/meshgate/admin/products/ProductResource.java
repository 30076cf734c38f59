package io.meshgate.admin.products;

import io.meshgate.admin.Actors;
import io.meshgate.admin.Page;
import io.meshgate.admin.security.AdminCaller;
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
import java.util.List;

/** {@code /admin/v1/products} and their plans under {@code /admin/v1/products/{id}/plans}. */
@RequestScoped
@RolesAllowed(AdminCaller.ADMIN)
@Path("admin/v1/products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductResource {
  @Inject ProductAdmin products;
  @Context SecurityContext security;
  @Context UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(ProductRequest request) {
    ProductView created = products.create(Actors.of(security), request);
    return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(created.id())).build())
        .entity(created)
        .build();
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  public Page<ProductView> list(
      @QueryParam("name") String name,
      @QueryParam("page") String page,
      @QueryParam("size") String size) {
    return products.list(name, Page.Request.of(page, size));
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}")
  public ProductView get(@PathParam("id") long id) {
    return products.get(id);
  }

  @PUT
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public ProductView update(@PathParam("id") long id, ProductRequest request) {
    return products.update(Actors.of(security), id, request);
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("id") long id) {
    products.delete(Actors.of(security), id);
    return Response.noContent().build();
  }

  @POST
  @Path("{id}/plans")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response createPlan(@PathParam("id") long id, PlanRequest request) {
    PlanView created = products.createPlan(Actors.of(security), id, request);
    return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(created.id())).build())
        .entity(created)
        .build();
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}/plans")
  public List<PlanView> plans(@PathParam("id") long id) {
    return products.plans(id);
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{id}/plans/{planId}")
  public PlanView plan(@PathParam("id") long id, @PathParam("planId") long planId) {
    return products.getPlan(id, planId);
  }

  @PUT
  @Path("{id}/plans/{planId}")
  @Consumes(MediaType.APPLICATION_JSON)
  public PlanView updatePlan(
      @PathParam("id") long id, @PathParam("planId") long planId, PlanRequest request) {
    return products.updatePlan(Actors.of(security), id, planId, request);
  }

  @DELETE
  @Path("{id}/plans/{planId}")
  public Response deletePlan(@PathParam("id") long id, @PathParam("planId") long planId) {
    products.deletePlan(Actors.of(security), id, planId);
    return Response.noContent().build();
  }
}
