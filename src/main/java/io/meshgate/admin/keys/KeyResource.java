package io.meshgate.admin.keys;

import io.meshgate.admin.Actors;
import io.meshgate.admin.security.AdminCaller;
import io.meshgate.token.SigningKeys;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * {@code /admin/v1/keys}: list, stage, publish and rotate the gateway's signing keys. After a write
 * this replica re-reads the keys at once; the others within {@code meshgate.keys.reload-interval}.
 */
@RequestScoped
@RolesAllowed(AdminCaller.ADMIN)
@Path("admin/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeyResource {
  @Inject KeyAdmin admin;
  @Inject SigningKeys keys;
  @Context SecurityContext security;
  @Context UriInfo uri;

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  public List<KeyView> list() {
    return admin.list();
  }

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Path("{kid}")
  public KeyView get(@PathParam("kid") String kid) {
    return admin.get(kid);
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(KeyRequests.NewKey request) {
    KeyView key = admin.create(Actors.of(security), request);
    keys.reload();
    return Response.created(uri.getAbsolutePathBuilder().path(key.kid()).build())
        .entity(key)
        .build();
  }

  @POST
  @Path("{kid}/publish")
  public KeyView publish(@PathParam("kid") String kid) {
    KeyView key = admin.publish(Actors.of(security), kid);
    keys.reload();
    return key;
  }

  @POST
  @Path("rotation")
  @Consumes(MediaType.APPLICATION_JSON)
  public KeyView rotate(KeyRequests.Rotation request) {
    KeyView key = admin.rotate(Actors.of(security), request);
    keys.reload();
    return key;
  }
}
