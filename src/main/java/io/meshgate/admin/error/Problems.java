package io.meshgate.admin.error;

import io.meshgate.support.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.Map;

/** Helpers shared by the exception mappers. */
final class Problems {
  private Problems() {}

  static Response response(Problem problem) {
    return response(problem, null);
  }

  static Response response(Problem problem, String requestId) {
    Response.ResponseBuilder r =
        Response.status(problem.status())
            .type(Problem.MEDIA_TYPE)
            .entity(problem.toJson(requestId));
    for (Map.Entry<String, String> h : problem.headers().entrySet()) {
      r.header(h.getKey(), h.getValue());
    }
    return r.build();
  }

  /** Whether this request is addressed to the admin API ({@code /admin/...}) or the portal API. */
  static boolean isAdmin(UriInfo uri) {
    if (uri == null) {
      return false;
    }
    try {
      String path = uri.getPath();
      return path != null
          && (path.startsWith("admin/")
              || path.startsWith("/admin/")
              || path.startsWith("portal/api/")
              || path.startsWith("/portal/api/"));
    } catch (RuntimeException e) {
      return false; // no request in scope
    }
  }

  /** Finds a cause of the given type in the chain. */
  static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * The admin refusal inside a runtime exception, as its problem; null when there is none. The
   * admin body reader throws {@link AdminException}, and the runtime may wrap it (in a {@code
   * ProcessingException} or a {@code WebApplicationException}) before a mapper sees it.
   */
  static Response adminRefusal(Throwable e) {
    AdminException admin = cause(e, AdminException.class);
    return admin == null ? null : response(admin.problem());
  }

  /** SQLSTATE class 23: integrity constraint violation (unique, foreign key, not null). */
  static boolean isIntegrityViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException s = sql; s != null; s = s.getNextException()) {
          if (s.getSQLState() != null && s.getSQLState().startsWith("23")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** A JSON parsing or binding failure anywhere in the chain. */
  static boolean isJsonFailure(Throwable e) {
    return cause(e, jakarta.json.bind.JsonbException.class) != null
        || cause(e, jakarta.json.JsonException.class) != null;
  }

  /** The innermost message of a JSON failure: what was wrong, without a stack trace. */
  static String jsonMessage(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null
          && (t instanceof jakarta.json.bind.JsonbException
              || t instanceof jakarta.json.JsonException)) {
        message = t.getMessage();
      }
    }
    return message == null ? "The body is not valid JSON for this resource" : message;
  }
}
