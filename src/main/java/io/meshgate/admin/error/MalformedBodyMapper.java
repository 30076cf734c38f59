package io.meshgate.admin.error;

import io.meshgate.support.Problem;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * RESTEasy reports a body JSON-B cannot bind (not JSON, a value of the wrong type, an unknown
 * field) as a {@link ProcessingException} wrapping the {@code JsonbException}: that is the client's
 * fault, 400 {@code MALFORMED_BODY}, never a 500.
 */
@Provider
public class MalformedBodyMapper implements ExceptionMapper<ProcessingException> {
  private static final Logger LOG = Logger.getLogger(MalformedBodyMapper.class.getName());
  private static final int MAX_DETAIL = 300;

  @Override
  public Response toResponse(ProcessingException e) {
    Response refusal = Problems.adminRefusal(e);
    if (refusal != null) {
      return refusal;
    }
    if (Problems.isJsonFailure(e)) {
      return Problems.response(malformed(e));
    }
    return UnexpectedErrorMapper.internal(LOG, e);
  }

  static Problem malformed(Throwable e) {
    String message = Problems.jsonMessage(e);
    if (message.length() > MAX_DETAIL) {
      message = message.substring(0, MAX_DETAIL) + "…";
    }
    LOG.log(Level.FINE, "Malformed admin request body: {0}", message);
    return new Problem(400, AdminErrors.MALFORMED_BODY, "The body cannot be read: " + message);
  }
}
