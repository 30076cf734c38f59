package io.meshgate.admin;

import io.meshgate.admin.error.AdminException;
import io.meshgate.support.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a list: {@code items}, the zero-based {@code page}, its {@code size} and the {@code
 * total} number of matching entries.
 */
public record Page<T>(List<T> items, int page, int size, long total) {
  public static final int DEFAULT_SIZE = 50;
  public static final int MAX_SIZE = 500;

  public Page {
    items = List.copyOf(items);
  }

  /** A checked page request: {@code page ≥ 0}, {@code 1 ≤ size ≤ 500}. */
  public record Request(int page, int size) {
    public static Request of(String page, String size) {
      List<Problem.Violation> violations = new ArrayList<>();
      int p = parse("page", page, 0, violations);
      int s = parse("size", size, DEFAULT_SIZE, violations);
      if (!violations.isEmpty()) {
        throw AdminException.invalid(violations);
      }
      if (p < 0) {
        violations.add(new Problem.Violation("page", "must be 0 or more (was " + p + ")"));
      }
      if (s < 1 || s > MAX_SIZE) {
        violations.add(
            new Problem.Violation(
                "size", "must be between 1 and " + MAX_SIZE + " (was " + s + ")"));
      }
      if (!violations.isEmpty()) {
        throw AdminException.invalid(violations);
      }
      return new Request(p, s);
    }

    private static int parse(
        String field, String value, int fallback, List<Problem.Violation> violations) {
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        violations.add(new Problem.Violation(field, "must be an integer (was " + value + ")"));
        return fallback;
      }
    }

    public int offset() {
      return Math.multiplyExact(page, size);
    }
  }
}
