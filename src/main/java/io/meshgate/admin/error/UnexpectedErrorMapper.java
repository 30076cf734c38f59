package io.meshgate.admin.error;

import io.meshgate.catalog.DatabaseOutage;
import io.meshgate.support.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything no closer mapper handles. A write that breaks a database uniqueness rule (two admins
 * racing for one base path) is a 409, not a 500; an {@link AdminException} wrapped by the
 * transaction interceptor is rendered as itself; an unavailable database is a 503 {@code
 * CATALOG_UNAVAILABLE} with {@code Retry-After}; a JSON failure is a 400; anything else is a 500
 * logged once, here, with an id the caller can quote.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {
  private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

  @Override
  public Response toResponse(RuntimeException e) {
    Response refusal = Problems.adminRefusal(e);
    if (refusal != null) {
      return refusal;
    }
    if (DatabaseOutage.isCause(e)) {
      // Not a bug: the transaction was rolled back whole, and the caller may retry.
      LOG.log(Level.FINE, "Admin request refused: the database is unavailable", e);
      return Problems.response(DatabaseOutage.problem());
    }
    if (Problems.isIntegrityViolation(e)) {
      LOG.log(Level.FINE, "Write refused by a database constraint", e);
      return Problems.response(
          new Problem(
              409,
              AdminErrors.CONFLICT,
              "The write conflicts with existing data (a name, path or key that must be unique,"
                  + " or an entry still in use)"));
    }
    if (Problems.isJsonFailure(e)) {
      return Problems.response(MalformedBodyMapper.malformed(e));
    }
    return internal(LOG, e);
  }

  static Response internal(Logger log, Throwable e) {
    String id = UUID.randomUUID().toString();
    log.log(Level.SEVERE, "MESHGATE-INTERNAL: unexpected error, request id " + id, e);
    return Problems.response(new Problem(500, AdminErrors.INTERNAL_ERROR, "Internal error"), id);
  }
}
