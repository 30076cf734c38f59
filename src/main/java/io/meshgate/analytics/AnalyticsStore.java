package io.meshgate.analytics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * The roll-ups in the database ({@code V8__analytics.sql}): one row per (minute, replica, API,
 * plan, app, status), written by that replica only, read summed over replicas. Plain JDBC, the same
 * SQL on H2 and PostgreSQL.
 *
 * <p>A replica's rows are written in batches, one per sealed minute table, each in one transaction
 * that also records the batch's id in {@code analytics_flush}: a batch is added to the rows (so a
 * late call of a minute already written is added to its row, never lost) exactly once, even when a
 * flush is repeated because its commit was not acknowledged.
 */
public final class AnalyticsStore {
  static final int NAME_COLUMN = 100;
  static final int APP_COLUMN = 200;

  /**
   * Rows sent per JDBC batch. A minute can hold 100,000 rows of 69 parameters, and the driver keeps
   * every parameter of a batch until it is sent: PgJDBC 42.7 holds about 2.7 KiB per such row, so a
   * minute sent whole took some 260 MiB of heap at once, more than the whole heap the scale run
   * leaves free. All batches of a minute are still one transaction.
   */
  static final int BATCH_ROWS = 1_000;

  private static final String HISTOGRAM_COLUMNS =
      IntStream.range(0, LatencyHistogram.BUCKETS)
          .mapToObj(i -> String.format("h%02d", i))
          .collect(Collectors.joining(", "));
  private static final String KEY_WHERE =
      "minute_start = ? and replica_id = ? and api = ? and plan = ? and app = ? and status = ?";
  private static final String UPDATE =
      "update analytics_minute set calls = calls + ?, errors = errors + ?, "
          + IntStream.range(0, LatencyHistogram.BUCKETS)
              .mapToObj(i -> String.format("h%02d = h%02d + ?", i, i))
              .collect(Collectors.joining(", "))
          + " where "
          + KEY_WHERE;
  private static final String INSERT =
      "insert into analytics_minute (minute_start, replica_id, api, plan, app, status, app_name,"
          + " calls, errors, "
          + HISTOGRAM_COLUMNS
          + ") values ("
          + "?, ".repeat(9 + LatencyHistogram.BUCKETS - 1)
          + "?)";
  private static final String HISTOGRAM_SUMS =
      IntStream.range(0, LatencyHistogram.BUCKETS)
          .mapToObj(i -> String.format("sum(h%02d)", i))
          .collect(Collectors.joining(", "));

  private final DataSource dataSource;

  public AnalyticsStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Adds one sealed minute of {@code replica} to its rows, unless batch {@code batch} of that
   * replica was written before.
   *
   * @return whether it was written now ({@code false}: it had been)
   */
  public boolean write(String replica, long batch, CallAggregator.Sealed sealed)
      throws SQLException {
    Map<List<Object>, RollupRow> rows = fitted(sealed.rows());
    OffsetDateTime minute = utc(sealed.minute());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean written = write(c, replica, batch, minute, rows);
        c.commit();
        return written;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private static boolean write(
      Connection c,
      String replica,
      long batch,
      OffsetDateTime minute,
      Map<List<Object>, RollupRow> rows)
      throws SQLException {
    try (PreparedStatement seen =
        c.prepareStatement("select 1 from analytics_flush where replica_id = ? and batch = ?")) {
      seen.setString(1, replica);
      seen.setLong(2, batch);
      try (ResultSet rs = seen.executeQuery()) {
        if (rs.next()) {
          return false;
        }
      }
    }
    try (PreparedStatement log =
        c.prepareStatement(
            "insert into analytics_flush (replica_id, batch, minute_start, flushed_at)"
                + " values (?, ?, ?, ?)")) {
      log.setString(1, replica);
      log.setLong(2, batch);
      log.setObject(3, minute);
      log.setObject(4, utc(Instant.now()));
      log.executeUpdate();
    }
    // Only this replica writes its rows, so what exists now stays so until the commit.
    Set<List<Object>> existing = new HashSet<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "select api, plan, app, status from analytics_minute"
                + " where minute_start = ? and replica_id = ?")) {
      q.setObject(1, minute);
      q.setString(2, replica);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          existing.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
        }
      }
    }
    try (PreparedStatement update = c.prepareStatement(UPDATE);
        PreparedStatement insert = c.prepareStatement(INSERT)) {
      int updates = 0;
      int inserts = 0;
      for (Map.Entry<List<Object>, RollupRow> e : rows.entrySet()) {
        RollupRow r = e.getValue();
        if (existing.contains(e.getKey())) {
          bindKey(update, bindCounts(update, 1, r), minute, replica, r);
          update.addBatch();
          if (++updates % BATCH_ROWS == 0) {
            update.executeBatch();
          }
        } else {
          int i = bindKey(insert, 1, minute, replica, r);
          insert.setString(i++, r.appName());
          bindCounts(insert, i, r);
          insert.addBatch();
          if (++inserts % BATCH_ROWS == 0) {
            insert.executeBatch();
          }
        }
      }
      if (updates % BATCH_ROWS != 0) {
        update.executeBatch();
      }
      if (inserts % BATCH_ROWS != 0) {
        insert.executeBatch();
      }
    }
    return true;
  }

  /** Binds calls, errors and the histogram from parameter {@code first}; the next parameter. */
  private static int bindCounts(PreparedStatement s, int first, RollupRow r) throws SQLException {
    int i = first;
    s.setLong(i++, r.calls());
    s.setLong(i++, r.errors());
    for (long count : r.histogram()) {
      s.setLong(i++, count);
    }
    return i;
  }

  private static int bindKey(
      PreparedStatement s, int first, OffsetDateTime minute, String replica, RollupRow r)
      throws SQLException {
    int i = first;
    s.setObject(i++, minute);
    s.setString(i++, replica);
    s.setString(i++, r.api());
    s.setString(i++, r.plan());
    s.setString(i++, r.app());
    s.setInt(i++, r.status());
    return i;
  }

  /**
   * The rows cut to the columns' widths (an external identity provider's client id may be longer),
   * merged where cutting made two keys one, keyed by (api, plan, app, status).
   */
  static Map<List<Object>, RollupRow> fitted(List<RollupRow> rows) {
    Map<List<Object>, RollupRow> out = new LinkedHashMap<>();
    for (RollupRow r : rows) {
      RollupRow f =
          new RollupRow(
              r.minute(),
              cut(r.api(), NAME_COLUMN),
              cut(r.plan(), NAME_COLUMN),
              cut(r.app(), APP_COLUMN),
              cut(r.appName(), APP_COLUMN),
              r.status(),
              r.calls(),
              r.errors(),
              r.counts());
      out.merge(List.of(f.api(), f.plan(), f.app(), f.status()), f, AnalyticsStore::sum);
    }
    return out;
  }

  private static RollupRow sum(RollupRow a, RollupRow b) {
    return new RollupRow(
        a.minute(),
        a.api(),
        a.plan(),
        a.app(),
        a.appName(),
        a.status(),
        a.calls() + b.calls(),
        a.errors() + b.errors(),
        a.counts().plus(b.counts()));
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** Deletes the rows of minutes before {@code cutoff}; how many rows. */
  public int deleteBefore(Instant cutoff) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement rows =
            c.prepareStatement("delete from analytics_minute where minute_start < ?");
        PreparedStatement batches =
            c.prepareStatement("delete from analytics_flush where flushed_at < ?")) {
      rows.setObject(1, utc(cutoff));
      batches.setObject(1, utc(cutoff));
      int deleted = rows.executeUpdate();
      batches.executeUpdate();
      return deleted;
    }
  }

  /**
   * One group of an answer, summed over replicas; the fields the query did not group by are {@code
   * null}. {@code appName} is set when grouped by app.
   */
  public record Group(
      Instant minute,
      String api,
      String plan,
      String app,
      String appName,
      Integer status,
      String statusClass,
      long calls,
      long errors,
      long[] histogram) {}

  /** The top groups by calls, most first; {@code truncated} when there were more. */
  public record Answer(List<Group> groups, boolean truncated) {}

  public Answer query(AnalyticsQuery q) throws SQLException {
    List<Dimension> dims = q.groupBy();
    String groupSql = dims.stream().map(Dimension::sql).collect(Collectors.joining(", "));
    StringBuilder sql =
        new StringBuilder("select ")
            .append(groupSql)
            .append(", sum(calls), sum(errors), max(app_name), ")
            .append(HISTOGRAM_SUMS)
            .append(" from analytics_minute where minute_start >= ? and minute_start < ?");
    List<Object> params = new ArrayList<>(List.of(utc(q.from()), utc(q.to())));
    filter(sql, params, "api", q.api());
    filter(sql, params, "plan", q.plan());
    filter(sql, params, "app", q.app());
    filter(sql, params, "status", q.status());
    filter(sql, params, Dimension.STATUS_CLASS_SQL, q.statusClass());
    sql.append(" group by ")
        .append(groupSql)
        .append(" order by sum(calls) desc, ")
        .append(groupSql);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        s.setObject(i + 1, params.get(i));
      }
      s.setMaxRows(q.top() + 1);
      List<Group> groups = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          groups.add(group(rs, dims));
        }
      }
      boolean truncated = groups.size() > q.top();
      return new Answer(truncated ? List.copyOf(groups.subList(0, q.top())) : groups, truncated);
    }
  }

  private static Group group(ResultSet rs, List<Dimension> dims) throws SQLException {
    Map<Dimension, Object> values = new LinkedHashMap<>();
    int i = 1;
    for (Dimension d : dims) {
      values.put(
          d,
          switch (d) {
            case MINUTE -> rs.getObject(i, OffsetDateTime.class).toInstant();
            case STATUS -> rs.getInt(i);
            default -> rs.getString(i);
          });
      i++;
    }
    long calls = rs.getLong(i++);
    long errors = rs.getLong(i++);
    String appName = rs.getString(i++);
    long[] histogram = new long[LatencyHistogram.BUCKETS];
    for (int b = 0; b < histogram.length; b++) {
      histogram[b] = rs.getLong(i++);
    }
    return new Group(
        (Instant) values.get(Dimension.MINUTE),
        (String) values.get(Dimension.API),
        (String) values.get(Dimension.PLAN),
        (String) values.get(Dimension.APP),
        dims.contains(Dimension.APP) ? appName : null,
        (Integer) values.get(Dimension.STATUS),
        (String) values.get(Dimension.STATUS_CLASS),
        calls,
        errors,
        histogram);
  }

  private static void filter(StringBuilder sql, List<Object> params, String column, Object value) {
    if (value != null) {
      sql.append(" and ").append(column).append(" = ?");
      params.add(value);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
