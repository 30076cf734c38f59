package io.meshgate.chain;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses a step's JSON config into its record and validates it. Unknown fields are errors, so a
 * typo in a config key fails loudly instead of silently using a default. Messages name the field
 * and the bad value.
 */
public final class PolicyConfigReader {
  private static final String FAIL_ON_UNKNOWN = "jsonb.fail-on-unknown-properties";

  private final Jsonb jsonb;
  private final Validator validator;

  public PolicyConfigReader(Validator validator) {
    this.jsonb = JsonbBuilder.create(new JsonbConfig().setProperty(FAIL_ON_UNKNOWN, true));
    this.validator = validator;
  }

  /**
   * @throws InvalidPolicyConfigException listing every violation as {@code field: message (was
   *     value)}
   */
  public <C extends Record> C read(String json, Class<C> type) {
    C config;
    try {
      config = jsonb.fromJson(json == null || json.isBlank() ? "{}" : json, type);
    } catch (JsonbException e) {
      throw new InvalidPolicyConfigException(
          "config: not valid for this policy: " + rootMessage(e));
    }
    if (config == null) {
      throw new InvalidPolicyConfigException("config: must be a JSON object (was null)");
    }
    List<String> violations = new ArrayList<>();
    validator.validate(config).stream()
        .sorted(Comparator.comparing((ConstraintViolation<C> v) -> fieldPath(v.getPropertyPath())))
        .forEach(
            v ->
                violations.add(
                    fieldPath(v.getPropertyPath())
                        + ": "
                        + v.getMessage()
                        + " (was "
                        + v.getInvalidValue()
                        + ")"));
    if (!violations.isEmpty()) {
      throw new InvalidPolicyConfigException(violations);
    }
    return config;
  }

  /** {@code methods[1]} rather than Bean Validation's {@code methods[1].<list element>}. */
  static String fieldPath(jakarta.validation.Path path) {
    return io.meshgate.support.FieldPaths.of(path);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
