package io.meshgate.facade;

import io.meshgate.support.Problem;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Renders errors raised by the servlet container itself (before any gateway code runs) as
 * problem+json, so clients meet one error shape. The container refuses, for example, request paths
 * with an encoded {@code /} or {@code .}: they could otherwise climb out of an upstream's base
 * path. Mapped to {@code /__meshgate/error} in {@code web.xml} (which is metadata-complete).
 */
public class ContainerErrorServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(ContainerErrorServlet.class.getName());

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    Throwable error = (Throwable) req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    int status = code instanceof Integer i ? i : 500;
    String message = error == null ? "" : String.valueOf(error.getMessage());
    Problem problem;
    if (message.contains("CWWWC0005I")) {
      // The container refuses an encoded '/', '\', '.' or '#' and a raw '\' or '#' before any
      // filter runs: paths CanonicalPath refuses too, or stricter ('%23', '#').
      problem =
          new Problem(
              400,
              Gateway.INVALID_PATH,
              "The path must not contain '\\' or '#', nor encode '/', '\\', '.' or '#'");
    } else if (error == null && status == 400) {
      problem = new Problem(400, Gateway.INVALID_PATH, "The request path is not valid");
    } else if (status == 404) {
      problem = new Problem(404, Gateway.ROUTE_NOT_FOUND, "Nothing is served at this path");
    } else if (status == 405) {
      problem = new Problem(405, "METHOD_NOT_ALLOWED", "This method is not allowed here");
    } else if (status == 415) {
      problem =
          new Problem(415, "UNSUPPORTED_MEDIA_TYPE", "This content type is not accepted here");
    } else if (status >= 400 && status < 500) {
      problem = new Problem(status, "BAD_REQUEST", "The request could not be processed");
    } else {
      LOG.log(
          Level.SEVERE,
          "MESHGATE-INTERNAL: container error on "
              + req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
          error);
      problem = new Problem(500, Gateway.INTERNAL_ERROR, "Internal error");
    }
    Gateway.send(resp, problem, null);
  }
}
