package io.meshgate.admin.error;

import io.meshgate.support.Problem;
import java.util.List;

/**
 * An expected refusal of an admin request: rendered as problem+json with its status and stable
 * {@code errorKey}. Thrown by admin use cases; rolls their transaction back.
 */
public class AdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String errorKey;
  private final transient List<Problem.Violation> violations;

  public AdminException(int status, String errorKey, String detail) {
    this(status, errorKey, detail, List.of());
  }

  public AdminException(
      int status, String errorKey, String detail, List<Problem.Violation> violations) {
    super(detail);
    this.status = status;
    this.errorKey = errorKey;
    this.violations = List.copyOf(violations);
  }

  /** 404 with a type-specific key such as {@code API_NOT_FOUND}. */
  public static AdminException notFound(String errorKey, String what, Object id) {
    return new AdminException(404, errorKey, "No " + what + " with id " + id);
  }

  /** 409 with a conflict key such as {@code API_BASE_PATH_TAKEN}. */
  public static AdminException conflict(String errorKey, String detail) {
    return new AdminException(409, errorKey, detail);
  }

  /** 400 {@code VALIDATION_FAILED} listing every bad field. */
  public static AdminException invalid(List<Problem.Violation> violations) {
    return new AdminException(
        400,
        AdminErrors.VALIDATION_FAILED,
        "The request has " + violations.size() + " invalid field(s)",
        violations);
  }

  /** 400 {@code VALIDATION_FAILED} for one field. */
  public static AdminException invalid(String field, String message) {
    return invalid(List.of(new Problem.Violation(field, message)));
  }

  public int status() {
    return status;
  }

  public String errorKey() {
    return errorKey;
  }

  public List<Problem.Violation> violations() {
    return violations;
  }

  public Problem problem() {
    return new Problem(status, errorKey, getMessage(), null, violations);
  }
}
