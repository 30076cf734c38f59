package io.meshgate.facade;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;

/**
 * The catch-all data-plane resource: every path not claimed by a more specific resource (the
 * well-known endpoints) is an API call. It works on the raw servlet request and response so that
 * headers keep their spelling and duplicates, the query stays byte for byte and bodies stream.
 */
@ApplicationScoped
@Path("/")
public class GatewayResource {
  private static final String ANY = "{path: .*}";

  @Inject Gateway gateway;

  @GET
  @Path(ANY)
  public void get(@Context HttpServletRequest req, @Context HttpServletResponse resp) {
    gateway.handle(req, resp);
  }

  @POST
  @Path(ANY)
  public void post(@Context HttpServletRequest req, @Context HttpServletResponse resp) {
    gateway.handle(req, resp);
  }

  @PUT
  @Path(ANY)
  public void put(@Context HttpServletRequest req, @Context HttpServletResponse resp) {
    gateway.handle(req, resp);
  }

  @DELETE
  @Path(ANY)
  public void delete(@Context HttpServletRequest req, @Context HttpServletResponse resp) {
    gateway.handle(req, resp);
  }

  @PATCH
  @Path(ANY)
  public void patch(@Context HttpServletRequest req, @Context HttpServletResponse resp) {
    gateway.handle(req, resp);
  }

  @HEAD
  @Path(ANY)
  public void head(@Context HttpServletRequest req, @Context HttpServletResponse resp) {
    gateway.handle(req, resp);
  }

  @OPTIONS
  @Path(ANY)
  public void options(@Context HttpServletRequest req, @Context HttpServletResponse resp) {
    gateway.handle(req, resp);
  }
}
