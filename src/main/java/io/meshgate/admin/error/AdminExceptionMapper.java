package io.meshgate.admin.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Renders an expected admin refusal as problem+json. */
@Provider
public class AdminExceptionMapper implements ExceptionMapper<AdminException> {
  @Override
  public Response toResponse(AdminException e) {
    return Problems.response(e.problem());
  }
}
