package io.meshgate.openapi;

import io.meshgate.admin.error.AdminException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * {@code GET /openapi}: the OpenAPI document of the admin API and the token endpoint, generated
 * from the resource classes at build time (smallrye-open-api-maven-plugin, see pom.xml). YAML by
 * default, JSON for {@code ?format=JSON} or {@code Accept: application/json}, as MicroProfile
 * OpenAPI serves it. Public on the admin port only ({@code io.meshgate.access.EndpointRules}).
 */
@Path("openapi")
public class OpenApiResource {
  static final String YAML = "application/yaml";
  static final String JSON = "application/json";

  private static final byte[] YAML_DOCUMENT = load("openapi.yaml");
  private static final byte[] JSON_DOCUMENT = load("openapi.json");

  @GET
  public Response document(
      @QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    boolean json;
    if (format != null) {
      switch (format.toUpperCase(Locale.ROOT)) {
        case "JSON" -> json = true;
        case "YAML" -> json = false;
        default -> throw AdminException.invalid("format", "must be JSON or YAML");
      }
    } else {
      json = accept != null && accept.contains(JSON) && !accept.contains("yaml");
    }
    return Response.ok(json ? JSON_DOCUMENT : YAML_DOCUMENT)
        .header(HttpHeaders.CONTENT_TYPE, (json ? JSON : YAML) + ";charset=UTF-8")
        .build();
  }

  private static byte[] load(String name) {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            name + " is missing from the WAR: the build generates it (smallrye-open-api)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
