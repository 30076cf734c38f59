package io.meshgate.pages;

import jakarta.servlet.ServletContext;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Serves the static files of one browser area ({@code console} or {@code portal}) from the web
 * application ({@code src/main/webapp/<area>/}, read through the servlet context, so {@code mvn
 * liberty:dev} shows an edited file on the next reload), plus the few vendor files listed in {@link
 * #VENDOR} from WebJars. Only names made of lower-case letters, digits, {@code - _ .} and {@code /}
 * with a known extension are served; anything else is 404. Every answer carries the area's
 * Content-Security-Policy and the usual hardening headers.
 */
public final class PageFiles {
  private static final Logger LOG = Logger.getLogger(PageFiles.class.getName());

  /** File names a page may ask for: no upper case, no dot segment, no hidden file. */
  private static final Pattern NAME =
      Pattern.compile("(?:[a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_.-]*\\.[a-z0-9]+");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html;charset=UTF-8",
          "js", "text/javascript;charset=UTF-8",
          "css", "text/css;charset=UTF-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json");

  /** vendor/&lt;name&gt; → the WebJar artifact and its file. */
  private static final Map<String, String[]> VENDOR =
      Map.of("vendor/chart.umd.js", new String[] {"chart.js", "dist/chart.umd.min.js"});

  /** Where the pages may load from and send to: themselves only. */
  static String contentSecurityPolicy(String area) {
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none';"
        + " base-uri 'none'; report-uri /"
        + area
        + "/csp-report";
  }

  private final String area;
  private final String policy;

  PageFiles(String area) {
    this.area = area;
    this.policy = contentSecurityPolicy(area);
  }

  /** {@code /<area>} without the slash: the pages use relative links, so they need it. */
  Response redirectToIndex() {
    return harden(Response.status(308).location(URI.create("/" + area + "/"))).build();
  }

  /** The file at {@code name} below the area ({@code ""} or a name ending in {@code /}: index). */
  Response file(ServletContext context, String name) {
    if (name == null || name.isEmpty() || name.endsWith("/")) {
      name = (name == null ? "" : name) + "index.html";
    }
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      throw new NotFoundException();
    }
    String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    if (type == null) {
      throw new NotFoundException();
    }
    String[] vendor = VENDOR.get(name);
    InputStream in =
        vendor != null
            ? PageFiles.class
                .getClassLoader()
                .getResourceAsStream(
                    "META-INF/resources/webjars/"
                        + vendor[0]
                        + "/"
                        + webjarVersion(vendor[0])
                        + "/"
                        + vendor[1])
            : context.getResourceAsStream("/" + area + "/" + name);
    if (in == null) {
      throw new NotFoundException();
    }
    return harden(Response.ok(in))
        .header(HttpHeaders.CONTENT_TYPE, type)
        .header(HttpHeaders.CACHE_CONTROL, vendor != null ? "max-age=86400" : "no-cache")
        .build();
  }

  /** Security headers of every answer of the area. */
  Response.ResponseBuilder harden(Response.ResponseBuilder response) {
    return response
        .header("Content-Security-Policy", policy)
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Frame-Options", "DENY")
        .header("Referrer-Policy", "no-referrer")
        .header("Cross-Origin-Opener-Policy", "same-origin")
        .header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  }

  /**
   * A Content-Security-Policy violation the browser reported ({@code application/csp-report}): one
   * WARNING line per report, {@code MESHGATE-CSP}, with the fields that say what was blocked where.
   * The body is capped by the caller's reader; what is logged is cut to a line.
   */
  void logViolation(String body) {
    // Anything but printable characters (control characters, terminal escapes, line separators)
    // is replaced, so a report cannot forge or garble log lines.
    String text = body == null ? "" : body.replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}\\p{Cf}]+", " ");
    if (text.length() > 2000) {
      text = text.substring(0, 2000) + "…";
    }
    LOG.warning("MESHGATE-CSP: " + area + ": " + text);
  }

  private static String webjarVersion(String artifact) {
    Properties pom = new Properties();
    try (InputStream in =
        PageFiles.class
            .getClassLoader()
            .getResourceAsStream(
                "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
      if (in == null) {
        throw new NotFoundException();
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pom.getProperty("version");
  }
}
