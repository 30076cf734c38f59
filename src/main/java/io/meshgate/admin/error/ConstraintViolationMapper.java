package io.meshgate.admin.error;

import io.meshgate.admin.RequestValidator;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Bean Validation failures that escape as exceptions (for example from method validation of a CDI
 * bean): 400 {@code VALIDATION_FAILED} with every violation and its field path.
 */
@Provider
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {
  @Override
  public Response toResponse(ConstraintViolationException e) {
    return Problems.response(
        AdminException.invalid(RequestValidator.violations(e.getConstraintViolations())).problem());
  }
}
