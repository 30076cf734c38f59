package io.meshgate.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * {@code GET /metrics}: the gateway's metrics for Prometheus. Public on the admin port, absent from
 * the data port ({@code io.meshgate.access.EndpointRules}): metrics say how much traffic each part
 * of the gateway carries, which is for the operator, not for clients.
 */
@Path("metrics")
public class MetricsResource {

  @Inject GatewayMetrics metrics;

  @GET
  public Response scrape(@HeaderParam(HttpHeaders.ACCEPT) String accept) {
    ExpositionFormatWriter writer = metrics.writerFor(accept);
    StreamingOutput body = out -> writer.write(out, metrics.scrape());
    return Response.ok(body)
        .header(HttpHeaders.CONTENT_TYPE, writer.getContentType())
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .build();
  }
}
