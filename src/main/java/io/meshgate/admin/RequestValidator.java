package io.meshgate.admin;

import io.meshgate.admin.error.AdminErrors;
import io.meshgate.admin.error.AdminException;
import io.meshgate.support.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Validates admin request records ({@code @Valid} cascades into nested records) and turns every
 * violation into a {@link Problem.Violation} with the field's path in the JSON body.
 *
 * <p>Why resources call this instead of putting {@code @Valid} on the resource parameter: RESTEasy
 * then throws its own {@code ResteasyViolationException}, whose built-in mapper wins over an
 * application mapper for {@code ConstraintViolationException} and renders a different shape. One
 * explicit call keeps one problem shape and the exact field paths.
 */
@ApplicationScoped
public class RequestValidator {
  private static final int MAX_VALUE_CHARS = 100;

  @Inject Validator validator;

  protected RequestValidator() {}

  public RequestValidator(Validator validator) {
    this.validator = validator;
  }

  /**
   * @return the body, valid
   * @throws AdminException 400 {@code MALFORMED_BODY} when there is no body, 400 {@code
   *     VALIDATION_FAILED} listing every violation otherwise
   */
  public <T> T check(T body) {
    if (body == null) {
      throw new AdminException(400, AdminErrors.MALFORMED_BODY, "A JSON object body is required");
    }
    Set<ConstraintViolation<T>> found = validator.validate(body);
    if (!found.isEmpty()) {
      throw AdminException.invalid(violations(found));
    }
    return body;
  }

  /** Every violation of a non-null body, without throwing (to merge with other checks). */
  public <T> List<Problem.Violation> violationsOf(T body) {
    return violations(validator.validate(body));
  }

  /** Throws 400 {@code MALFORMED_BODY} when there is no body. */
  public static <T> T required(T body) {
    if (body == null) {
      throw new AdminException(400, AdminErrors.MALFORMED_BODY, "A JSON object body is required");
    }
    return body;
  }

  /** Violations sorted by field, each naming the field and the bad value. */
  public static List<Problem.Violation> violations(Set<? extends ConstraintViolation<?>> found) {
    return found.stream()
        .map(v -> new Problem.Violation(fieldPath(v.getPropertyPath()), message(v)))
        .sorted(
            Comparator.comparing(Problem.Violation::field)
                .thenComparing(Problem.Violation::message))
        .toList();
  }

  private static String message(ConstraintViolation<?> v) {
    Object value = v.getInvalidValue();
    if (value == null || value instanceof Record || value instanceof java.util.Collection<?>) {
      return v.getMessage();
    }
    String shown = String.valueOf(value);
    if (shown.length() > MAX_VALUE_CHARS) {
      shown = shown.substring(0, MAX_VALUE_CHARS) + "…";
    }
    return v.getMessage() + " (was " + shown + ")";
  }

  /**
   * The path as a client reads its JSON: {@code steps[2].policy}, {@code rateLimit.limit}, {@code
   * scopes[1]}; method and parameter nodes of method validation are left out.
   */
  public static String fieldPath(Path path) {
    String field = io.meshgate.support.FieldPaths.of(path);
    return field.isEmpty() ? "body" : field;
  }
}
