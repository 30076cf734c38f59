package io.meshgate.admin.audit;

import io.meshgate.admin.Page;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.security.AdminCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code GET /admin/v1/audit?from=&to=&actor=&entityType=&entityId=&page=&size=}. */
@RequestScoped
@RolesAllowed(AdminCaller.ADMIN)
@Path("admin/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  @Inject AuditQuery audit;

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  public Page<AuditEventView> list(
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("actor") String actor,
      @QueryParam("entityType") String entityType,
      @QueryParam("entityId") String entityId,
      @QueryParam("page") String page,
      @QueryParam("size") String size) {
    Page.Request request = Page.Request.of(page, size);
    return audit.list(
        new AuditQuery.Filter(
            instant("from", from), instant("to", to), actor, entityType, entityId),
        request);
  }

  private static Instant instant(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw AdminException.invalid(
          field, "must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was " + value + ")");
    }
  }
}
