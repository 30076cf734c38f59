package io.meshgate.admin.error;

import io.meshgate.facade.Gateway;
import io.meshgate.support.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Errors the JAX-RS runtime raises for admin requests (unreadable body, path parameter of the wrong
 * type, method not allowed, …) in the one problem+json shape. Other resources keep a response the
 * exception carries with a body of their own (the token endpoint's RFC 6749 errors); an empty one
 * (an unknown path or method under {@code /oauth2}, {@code /.well-known}, ...) becomes problem+json
 * too.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
  @Context UriInfo uri;
  @Context HttpHeaders headers;

  @Override
  public Response toResponse(WebApplicationException e) {
    Response refusal = Problems.adminRefusal(e);
    if (refusal != null) {
      return refusal;
    }
    Response original = e.getResponse();
    int status = original == null ? 500 : original.getStatus();
    if (!Problems.isAdmin(uri)) {
      if (original != null && original.hasEntity()) {
        return original; // an answer of the resource's own format (the token endpoint's)
      }
      // The runtime's empty answer for an unknown path or method under the gateway's own prefixes:
      // the same problem+json as every other refusal.
      return Problems.response(
          status == 404
              ? new Problem(404, Gateway.ROUTE_NOT_FOUND, "Nothing is served at this path")
              : new Problem(status, key(status), detail(status), headers(original)));
    }
    Problem problem;
    if (status == 400 && Problems.isJsonFailure(e)) {
      problem = MalformedBodyMapper.malformed(e);
    } else if (status == 415 && hasNoBody()) {
      // JAX-RS reads a request without Content-Type as application/octet-stream and refuses it
      // with 415; with no body either, what is wrong is the missing body.
      problem =
          new Problem(
              400,
              AdminErrors.MALFORMED_BODY,
              "A JSON object body is required (send {} for no fields)");
    } else {
      problem = new Problem(status, key(status), detail(status), headers(original));
    }
    return Problems.response(problem);
  }

  /** No Content-Type and, by HTTP/1.1 framing, no body: no Content-Length or 0, no chunks. */
  private boolean hasNoBody() {
    if (headers == null || headers.getHeaderString(HttpHeaders.CONTENT_TYPE) != null) {
      return false;
    }
    String length = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    return headers.getHeaderString("Transfer-Encoding") == null
        && (length == null || length.trim().equals("0"));
  }

  private static String key(int status) {
    return switch (status) {
      case 400 -> AdminErrors.BAD_REQUEST;
      case 401 -> AdminErrors.UNAUTHORIZED;
      case 403 -> AdminErrors.FORBIDDEN;
      case 404 -> AdminErrors.NOT_FOUND;
      case 405 -> AdminErrors.METHOD_NOT_ALLOWED;
      case 406 -> AdminErrors.NOT_ACCEPTABLE;
      case 415 -> AdminErrors.UNSUPPORTED_MEDIA_TYPE;
      default -> status >= 500 ? AdminErrors.INTERNAL_ERROR : AdminErrors.BAD_REQUEST;
    };
  }

  private static String detail(int status) {
    return switch (status) {
      case 401 -> "Authentication is required";
      case 403 -> "Not allowed for this caller";
      case 404 -> "No admin resource at this path";
      case 405 -> "This method is not allowed here";
      case 406 -> "This resource answers application/json only";
      case 415 -> "This resource accepts application/json (UTF-8) only";
      default -> "The request could not be processed";
    };
  }

  /** Keeps the headers that tell a client what to do next (challenge, allowed methods). */
  private static Map<String, String> headers(Response original) {
    Map<String, String> out = new LinkedHashMap<>();
    if (original == null) {
      return out;
    }
    for (String name : List.of("WWW-Authenticate", "Allow", "Retry-After")) {
      String value = original.getHeaderString(name);
      if (value != null) {
        out.put(name, value);
      }
    }
    return out;
  }
}
