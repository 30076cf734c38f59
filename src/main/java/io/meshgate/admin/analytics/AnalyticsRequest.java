package io.meshgate.admin.analytics;

import io.meshgate.admin.error.AdminException;
import io.meshgate.analytics.AnalyticsQuery;
import io.meshgate.analytics.Dimension;
import io.meshgate.support.Problem;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The query parameters of {@code GET /admin/v1/analytics}, checked all at once: every bad one is a
 * violation of the one 400 {@code VALIDATION_FAILED}, named by its parameter.
 */
public final class AnalyticsRequest {
  /** Without {@code from}: this long before {@code to}. */
  public static final Duration DEFAULT_RANGE = Duration.ofHours(1);

  /** The longest range one request may ask for. */
  public static final Duration MAX_RANGE = Duration.ofDays(31);

  public static final List<Dimension> DEFAULT_GROUP_BY = List.of(Dimension.MINUTE, Dimension.API);
  public static final int DEFAULT_TOP = 100;
  public static final int MAX_TOP = 1000;

  private static final Set<String> STATUS_CLASSES = Set.of("1xx", "2xx", "3xx", "4xx", "5xx");
  private static final String DIMENSIONS = "minute, api, plan, app, status, statusClass";

  private final List<Problem.Violation> violations = new ArrayList<>();

  private AnalyticsRequest() {}

  /**
   * The query the parameters ask for; {@code now} is the default {@code to}.
   *
   * @throws AdminException 400 listing every bad parameter
   */
  public static AnalyticsQuery parse(
      String from,
      String to,
      String groupBy,
      String api,
      String plan,
      String app,
      String status,
      String statusClass,
      String top,
      Instant now) {
    AnalyticsRequest r = new AnalyticsRequest();
    Instant end = r.instant("to", to);
    Instant start = r.instant("from", from);
    if (end == null && isBlank(to)) {
      end = now;
    }
    if (start == null && isBlank(from) && end != null) {
      start = end.minus(DEFAULT_RANGE);
    }
    if (start != null && end != null) {
      if (!end.isAfter(start)) {
        r.violation("to", "must be after from (" + start + "), was " + end);
      } else if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
        r.violation(
            "to",
            "must be at most "
                + MAX_RANGE.toDays()
                + " days after from ("
                + start
                + "), was "
                + end);
      }
    }
    List<Dimension> dimensions = r.groupBy(groupBy);
    Integer code = r.status(status);
    String statusClassValue = r.statusClass(statusClass);
    int topValue = r.top(top);
    if (!r.violations.isEmpty()) {
      throw AdminException.invalid(r.violations);
    }
    return new AnalyticsQuery(
        start,
        end,
        dimensions,
        orNull(api),
        orNull(plan),
        orNull(app),
        code,
        statusClassValue,
        topValue);
  }

  private Instant instant(String field, String value) {
    if (isBlank(value)) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      violation(
          field, "must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was " + value + ")");
      return null;
    }
  }

  private List<Dimension> groupBy(String value) {
    if (isBlank(value)) {
      return DEFAULT_GROUP_BY;
    }
    List<Dimension> out = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      Dimension d = Dimension.named(name.trim()).orElse(null);
      if (d == null) {
        violation(
            "groupBy", "must be a comma-separated list of " + DIMENSIONS + " (was " + value + ")");
        return DEFAULT_GROUP_BY;
      }
      if (out.contains(d)) {
        violation("groupBy", "names " + d.parameter() + " twice (was " + value + ")");
        return DEFAULT_GROUP_BY;
      }
      out.add(d);
    }
    return out;
  }

  private Integer status(String value) {
    if (isBlank(value)) {
      return null;
    }
    Integer code = integer(value);
    if (code == null || code < 100 || code > 599) {
      violation("status", "must be an HTTP status from 100 to 599 (was " + value + ")");
      return null;
    }
    return code;
  }

  private String statusClass(String value) {
    if (isBlank(value)) {
      return null;
    }
    if (!STATUS_CLASSES.contains(value)) {
      violation("statusClass", "must be one of 1xx, 2xx, 3xx, 4xx, 5xx (was " + value + ")");
      return null;
    }
    return value;
  }

  private int top(String value) {
    if (isBlank(value)) {
      return DEFAULT_TOP;
    }
    Integer n = integer(value);
    if (n == null || n < 1 || n > MAX_TOP) {
      violation("top", "must be an integer from 1 to " + MAX_TOP + " (was " + value + ")");
      return DEFAULT_TOP;
    }
    return n;
  }

  private void violation(String field, String message) {
    violations.add(new Problem.Violation(field, message));
  }

  private static Integer integer(String value) {
    if (value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Integer.parseInt(value);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static String orNull(String value) {
    return isBlank(value) ? null : value;
  }
}
