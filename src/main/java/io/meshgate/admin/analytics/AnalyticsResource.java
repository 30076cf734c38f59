package io.meshgate.admin.analytics;

import io.meshgate.admin.security.AdminCaller;
import io.meshgate.analytics.AnalyticsQuery;
import io.meshgate.analytics.AnalyticsStore;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /admin/v1/analytics?from=&to=&groupBy=&api=&plan=&app=&status=&statusClass=&top=}:
 * per-minute roll-ups of API calls, summed over every replica (see {@link
 * io.meshgate.analytics.CallAnalytics}).
 */
@RequestScoped
@RolesAllowed(AdminCaller.ADMIN)
@Path("admin/v1/analytics")
@Produces(MediaType.APPLICATION_JSON)
public class AnalyticsResource {
  @Resource(lookup = "jdbc/meshgate")
  DataSource dataSource;

  @Inject Clock clock;

  @GET
  @RolesAllowed({AdminCaller.ADMIN, AdminCaller.VIEWER})
  @Operation(
      summary = "Calls, errors and latency percentiles per minute, API, plan, app and status",
      description =
          "Minutes that start in [from, to) (ISO-8601 instants; default: the last hour; at most 31"
              + " days), grouped by groupBy (comma-separated: minute, api, plan, app, status,"
              + " statusClass; default minute,api), filtered by api, plan, app (client id), status"
              + " and statusClass; the top groups by calls (default 100, at most 1000). A replica"
              + " writes a minute once it has ended (MESHGATE_ANALYTICS_FLUSH_SECONDS later at"
              + " most).")
  public AnalyticsView analytics(
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("groupBy") String groupBy,
      @QueryParam("api") String api,
      @QueryParam("plan") String plan,
      @QueryParam("app") String app,
      @QueryParam("status") String status,
      @QueryParam("statusClass") String statusClass,
      @QueryParam("top") String top) {
    AnalyticsQuery q =
        AnalyticsRequest.parse(
            from, to, groupBy, api, plan, app, status, statusClass, top, clock.instant());
    try {
      return AnalyticsView.of(q, new AnalyticsStore(dataSource).query(q));
    } catch (SQLException e) {
      // An unavailable database becomes a 503 CATALOG_UNAVAILABLE (UnexpectedErrorMapper).
      throw new IllegalStateException("Cannot read analytics: " + e.getMessage(), e);
    }
  }
}
