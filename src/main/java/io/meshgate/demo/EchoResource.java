package io.meshgate.demo;

import io.meshgate.support.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The demo upstream: answers, as JSON, the method, path, query and headers it received, so a
 * newcomer sees exactly what a mesh service would see. Served only in demo mode.
 */
@ApplicationScoped
@Path("__meshgate")
public class EchoResource {
  private static final int MAX_BODY_ECHO = 64 * 1024;
  private static final jakarta.json.JsonWriterFactory PRETTY =
      Json.createWriterFactory(
          java.util.Map.of(jakarta.json.stream.JsonGenerator.PRETTY_PRINTING, true));

  @Inject
  @ConfigProperty(name = "meshgate.demo", defaultValue = "false")
  boolean demo;

  @GET
  @Path("{echo: echo(/.*)?}")
  public Response get(@Context HttpServletRequest req) throws IOException {
    return echo(req);
  }

  @POST
  @Path("{echo: echo(/.*)?}")
  public Response post(@Context HttpServletRequest req) throws IOException {
    return echo(req);
  }

  @PUT
  @Path("{echo: echo(/.*)?}")
  public Response put(@Context HttpServletRequest req) throws IOException {
    return echo(req);
  }

  @PATCH
  @Path("{echo: echo(/.*)?}")
  public Response patch(@Context HttpServletRequest req) throws IOException {
    return echo(req);
  }

  @DELETE
  @Path("{echo: echo(/.*)?}")
  public Response delete(@Context HttpServletRequest req) throws IOException {
    return echo(req);
  }

  private Response echo(HttpServletRequest req) throws IOException {
    if (!demo) {
      return Response.status(404)
          .type("application/problem+json")
          .entity(
              "{\"type\":\"urn:meshgate:problem:route-not-found\",\"title\":\"Not Found\",\"status\":404,"
                  + "\"detail\":\"The echo endpoint exists only in demo mode\",\"errorKey\":\"ROUTE_NOT_FOUND\"}")
          .build();
    }
    Map<String, JsonArrayBuilder> headers = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      JsonArrayBuilder values =
          headers.computeIfAbsent(
              name.toLowerCase(java.util.Locale.ROOT), n -> Json.createArrayBuilder());
      for (String value : Collections.list(req.getHeaders(name))) {
        values.add(value);
      }
    }
    JsonObjectBuilder headerJson = Json.createObjectBuilder();
    headers.forEach(headerJson::add);
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("method", req.getMethod())
            .add("path", req.getRequestURI())
            .add("query", req.getQueryString() == null ? "" : req.getQueryString())
            .add("headers", headerJson);
    try (InputStream in = req.getInputStream()) {
      byte[] bytes = in.readNBytes(MAX_BODY_ECHO);
      if (bytes.length > 0) {
        body.add("body", new String(bytes, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The client's body broke (e.g. invalid chunked encoding): its fault, not a 500.
      Problem problem =
          new Problem(400, "REQUEST_BODY_MALFORMED", "The request body could not be read");
      return Response.status(400).type(Problem.MEDIA_TYPE).entity(problem.toJson(null)).build();
    }
    java.io.StringWriter text = new java.io.StringWriter();
    try (jakarta.json.JsonWriter writer = PRETTY.createWriter(text)) {
      writer.writeObject(body.build());
    }
    return Response.ok(text.toString() + "\n", "application/json").build();
  }
}
