package io.meshgate.openapi;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /openapi/ui/}: Swagger UI for the document at {@code /openapi}, on the admin port
 * only. The page and its start script are meshgate's; the UI's files come from the {@code
 * org.webjars:swagger-ui} jar in the WAR, and only the few files listed here are served.
 */
@Path("openapi/ui")
public class OpenApiUiResource {
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

  /** File name → media type of the Swagger UI files served from the webjar. */
  private static final Map<String, String> UI_FILES =
      Map.of(
          "swagger-ui.css", "text/css",
          "index.css", "text/css",
          "swagger-ui-bundle.js", "text/javascript",
          "swagger-ui-standalone-preset.js", "text/javascript",
          "favicon-16x16.png", "image/png",
          "favicon-32x32.png", "image/png");

  private static final String VERSION = webjarVersion();
  private static final byte[] PAGE = own("index.html");
  private static final byte[] INITIALIZER = own("initializer.js");

  @GET
  public Response page() {
    return Response.ok(PAGE).header(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8").build();
  }

  @GET
  @Path("{file}")
  public Response file(@PathParam("file") String file) {
    if (file.equals("index.html")) {
      return page();
    }
    if (file.equals("initializer.js")) {
      return Response.ok(INITIALIZER)
          .header(HttpHeaders.CONTENT_TYPE, "text/javascript;charset=UTF-8")
          .build();
    }
    String type = UI_FILES.get(file);
    if (type == null) {
      throw new NotFoundException();
    }
    InputStream in =
        OpenApiUiResource.class.getClassLoader().getResourceAsStream(WEBJAR + VERSION + "/" + file);
    if (in == null) {
      throw new NotFoundException();
    }
    return Response.ok(in)
        .header(HttpHeaders.CONTENT_TYPE, type)
        .header(HttpHeaders.CACHE_CONTROL, "max-age=3600")
        .build();
  }

  private static byte[] own(String name) {
    try (InputStream in = OpenApiUiResource.class.getResourceAsStream("ui/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String webjarVersion() {
    Properties pom = new Properties();
    try (InputStream in =
        OpenApiUiResource.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("org.webjars:swagger-ui is missing from the WAR");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pom.getProperty("version");
  }
}
