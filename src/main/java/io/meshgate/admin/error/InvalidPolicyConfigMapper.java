package io.meshgate.admin.error;

import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.support.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.ArrayList;
import java.util.List;

/**
 * Policy steps that cannot build a chain: 400 {@code VALIDATION_FAILED} with one violation per
 * {@code steps[i].config.field: message} the chain factory reported.
 */
@Provider
public class InvalidPolicyConfigMapper implements ExceptionMapper<InvalidPolicyConfigException> {
  @Override
  public Response toResponse(InvalidPolicyConfigException e) {
    return Problems.response(AdminException.invalid(violations(e)).problem());
  }

  /** Splits {@code steps[2].config.limit: must be ...} into field and message. */
  public static List<Problem.Violation> violations(InvalidPolicyConfigException e) {
    List<Problem.Violation> out = new ArrayList<>();
    for (String v : e.violations()) {
      int colon = v.indexOf(": ");
      out.add(
          colon < 0
              ? new Problem.Violation("steps", v)
              : new Problem.Violation(v.substring(0, colon), v.substring(colon + 2)));
    }
    return out;
  }
}
