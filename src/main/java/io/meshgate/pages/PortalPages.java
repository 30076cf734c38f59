package io.meshgate.pages;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * {@code /portal/}: the developer portal's pages, on the data port only, public like {@code
 * /.well-known} (io.meshgate.access.EndpointRules): a page holds no data; what it shows comes from
 * the portal API ({@link io.meshgate.pages.PortalApi}) for the signed-in developer only.
 */
@Path("portal")
public class PortalPages {
  static final PageFiles FILES = new PageFiles("portal");
  private static final CspReports REPORTS = new CspReports();

  @Context ServletContext context;

  @GET
  public Response index(@Context HttpServletRequest request) {
    // JAX-RS matches /portal and /portal/ alike; only the one without the slash is redirected.
    return request.getRequestURI().endsWith("/")
        ? FILES.file(context, "")
        : FILES.redirectToIndex();
  }

  @GET
  @Path("{file: .*}")
  public Response file(@PathParam("file") String file) {
    return FILES.file(context, file);
  }

  @POST
  @Path("csp-report")
  @Consumes(MediaType.WILDCARD)
  public Response cspReport(InputStream body) {
    return REPORTS.receive(FILES, body);
  }
}
