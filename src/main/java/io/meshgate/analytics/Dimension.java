package io.meshgate.analytics;

import java.util.Arrays;
import java.util.Optional;

/** What analytics can be grouped by: a query parameter value and the SQL it groups on. */
public enum Dimension {
  MINUTE("minute", "minute_start"),
  API("api", "api"),
  PLAN("plan", "plan"),
  APP("app", "app"),
  STATUS("status", "status"),
  STATUS_CLASS("statusClass", Dimension.STATUS_CLASS_SQL);

  /** {@link io.meshgate.telemetry.CallRecord#statusClass(int)} in SQL (H2 and PostgreSQL). */
  static final String STATUS_CLASS_SQL =
      "case status / 100 when 1 then '1xx' when 2 then '2xx' when 3 then '3xx'"
          + " when 4 then '4xx' else '5xx' end";

  private final String parameter;
  private final String sql;

  Dimension(String parameter, String sql) {
    this.parameter = parameter;
    this.sql = sql;
  }

  /** The name in {@code groupBy} and in the answer's rows. */
  public String parameter() {
    return parameter;
  }

  String sql() {
    return sql;
  }

  /** The dimension named {@code name} in {@code groupBy}, exactly as spelt there. */
  public static Optional<Dimension> named(String name) {
    return Arrays.stream(values()).filter(d -> d.parameter.equals(name)).findFirst();
  }
}
