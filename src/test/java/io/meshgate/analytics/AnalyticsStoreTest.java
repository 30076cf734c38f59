package io.meshgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The analytics SQL, on H2 and on PostgreSQL: writes add exactly once, reads sum replicas. */
class AnalyticsStoreTest {
  private static final Instant T0 = CallAggregatorTest.T0;
  private static final Instant T1 = T0.plusSeconds(60);
  private static final String PG_SCHEMA =
      "meshgate_unit_" + UUID.randomUUID().toString().substring(0, 8);

  static Stream<Arguments> databases() {
    return Stream.of(
        Arguments.of("h2", (java.util.function.Supplier<DataSource>) TestDatabases::h2),
        Arguments.of(
            "postgresql",
            (java.util.function.Supplier<DataSource>)
                () ->
                    TestDatabases.postgres(
                        PG_SCHEMA + "_" + UUID.randomUUID().toString().substring(0, 4))));
  }

  @AfterAll
  static void dropSchemas() {
    // each PostgreSQL case made a schema of its own under this prefix
    try (var c =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "select schema_name from information_schema.schemata where schema_name like '"
                    + PG_SCHEMA
                    + "%'")) {
      List<String> schemas = new java.util.ArrayList<>();
      while (rs.next()) {
        schemas.add(rs.getString(1));
      }
      schemas.forEach(TestDatabases::drop);
    } catch (SQLException e) {
      // not reachable: nothing was made
    }
  }

  private static RollupRow row(
      Instant minute, String plan, String app, int status, long errors, long... millis) {
    long[] histogram = new long[LatencyHistogram.BUCKETS];
    for (long ms : millis) {
      histogram[LatencyHistogram.bucketOf(ms * 1_000_000)]++;
    }
    return new RollupRow(
        minute,
        "orders",
        plan,
        app,
        app + "-name",
        status,
        millis.length,
        errors,
        BucketCounts.of(histogram));
  }

  private static CallAggregator.Sealed minute(Instant minute, RollupRow... rows) {
    return new CallAggregator.Sealed(minute, List.of(rows), false);
  }

  private static AnalyticsQuery query(List<Dimension> groupBy) {
    return new AnalyticsQuery(T0, T0.plusSeconds(3600), groupBy, null, null, null, null, null, 100);
  }

  private static List<String> answer(AnalyticsStore store, AnalyticsQuery q) throws SQLException {
    return store.query(q).groups().stream()
        .map(
            g ->
                Stream.of(
                        g.minute(),
                        g.api(),
                        g.plan(),
                        g.app(),
                        g.appName(),
                        g.status(),
                        g.statusClass(),
                        "calls=" + g.calls(),
                        "errors=" + g.errors())
                    .filter(v -> v != null)
                    .map(String::valueOf)
                    .reduce((a, b) -> a + " " + b)
                    .orElseThrow())
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aMinuteOfMoreRowsThanOneJdbcBatchIsWrittenWhole(
      String db, java.util.function.Supplier<DataSource> database) throws SQLException {
    AnalyticsStore store = new AnalyticsStore(database.get());
    int apps = 2 * AnalyticsStore.BATCH_ROWS + 1;
    RollupRow[] first = new RollupRow[apps];
    for (int i = 0; i < apps; i++) {
      first[i] = row(T0, "gold", "app-" + i, 200, 0, 1, 2);
    }
    assertThat(store.write("replica-a", 0, minute(T0, first))).isTrue();
    // Late calls of the same minute: every row exists now (updates), plus new apps (inserts),
    // both more than one batch.
    RollupRow[] late = new RollupRow[apps + AnalyticsStore.BATCH_ROWS + 7];
    for (int i = 0; i < late.length; i++) {
      late[i] = row(T0, "gold", "app-" + i, 200, 1, 40);
    }
    assertThat(store.write("replica-a", 1, minute(T0, late))).isTrue();

    // Exactly one batch's worth: nothing is left for a last, partial batch.
    RollupRow[] next = new RollupRow[AnalyticsStore.BATCH_ROWS];
    for (int i = 0; i < next.length; i++) {
      next[i] = row(T1, "silver", "app-" + i, 200, 0, 3);
    }
    assertThat(store.write("replica-a", 2, minute(T1, next))).isTrue();
    assertThat(answer(store, query(List.of(Dimension.MINUTE, Dimension.PLAN))))
        .containsExactly(
            T0 + " gold calls=" + (2L * apps + late.length) + " errors=" + late.length,
            T1 + " silver calls=" + next.length + " errors=0");

    AnalyticsStore.Group all = store.query(query(List.of(Dimension.PLAN))).groups().get(0);
    assertThat(all.plan()).isEqualTo("gold");
    assertThat(all.calls()).isEqualTo(2L * apps + late.length);
    assertThat(all.errors()).isEqualTo(late.length);
    long[] h = all.histogram();
    assertThat(h[LatencyHistogram.bucketOf(1_000_000)]).isEqualTo(apps);
    assertThat(h[LatencyHistogram.bucketOf(2_000_000)]).isEqualTo(apps);
    assertThat(h[LatencyHistogram.bucketOf(40_000_000)]).isEqualTo(late.length);
    AnalyticsQuery lastApp =
        new AnalyticsQuery(
            T0,
            T0.plusSeconds(3600),
            List.of(Dimension.APP),
            null,
            null,
            "app-" + (late.length - 1),
            null,
            null,
            10);
    assertThat(answer(store, lastApp))
        .containsExactly(
            "app-" + (late.length - 1) + " app-" + (late.length - 1) + "-name calls=1 errors=1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void replicasAreSummedPerGroupAndPercentilesComeFromTheMergedHistograms(
      String db, java.util.function.Supplier<DataSource> database) throws SQLException {
    AnalyticsStore store = new AnalyticsStore(database.get());
    store.write(
        "replica-a",
        0,
        minute(T0, row(T0, "gold", "a", 200, 0, 1, 1, 1), row(T0, "free", "b", 429, 1, 1)));
    store.write(
        "replica-b",
        0,
        minute(T0, row(T0, "gold", "a", 200, 0, 100), row(T0, "gold", "a", 502, 1, 30_000)));
    store.write("replica-b", 1, minute(T1, row(T1, "gold", "c", 200, 0, 2, 2)));

    assertThat(answer(store, query(List.of(Dimension.MINUTE, Dimension.PLAN))))
        .containsExactly(
            T0 + " gold calls=5 errors=1",
            T1 + " gold calls=2 errors=0",
            T0 + " free calls=1 errors=1");
    assertThat(answer(store, query(List.of(Dimension.STATUS_CLASS))))
        .containsExactly("2xx calls=6 errors=0", "4xx calls=1 errors=1", "5xx calls=1 errors=1");
    assertThat(answer(store, query(List.of(Dimension.APP, Dimension.STATUS))))
        .containsExactly(
            "a a-name 200 calls=4 errors=0",
            "c c-name 200 calls=2 errors=0",
            "a a-name 502 calls=1 errors=1",
            "b b-name 429 calls=1 errors=1");

    AnalyticsStore.Group gold =
        store.query(query(List.of(Dimension.PLAN, Dimension.STATUS))).groups().get(0);
    assertThat(gold.plan()).isEqualTo("gold");
    assertThat(gold.calls()).isEqualTo(6); // 1, 1, 1, 100, 2, 2 ms
    assertThat(Arrays.stream(gold.histogram()).sum()).isEqualTo(6);
    assertThat(LatencyHistogram.percentileMillis(gold.histogram(), 0.5)).isBetween(0.8, 1.26);
    assertThat(LatencyHistogram.percentileMillis(gold.histogram(), 0.99)).isBetween(80.0, 126.0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aBatchIsAddedOnceAndALateBatchOfTheSameMinuteIsAddedToItsRows(
      String db, java.util.function.Supplier<DataSource> database) throws SQLException {
    AnalyticsStore store = new AnalyticsStore(database.get());
    CallAggregator.Sealed first = minute(T0, row(T0, "gold", "a", 200, 0, 1, 2, 3));
    assertThat(store.write("replica-a", 7, first)).isTrue();
    assertThat(store.write("replica-a", 7, first)).as("the same batch again").isFalse();
    assertThat(
            store.write(
                "replica-a",
                8,
                minute(T0, row(T0, "gold", "a", 200, 0, 4), row(T0, "gold", "z", 200, 0, 5))))
        .isTrue();
    assertThat(answer(store, query(List.of(Dimension.MINUTE, Dimension.APP))))
        .containsExactly(T0 + " a a-name calls=4 errors=0", T0 + " z z-name calls=1 errors=0");
    // Another replica's batch 7 is another batch.
    assertThat(store.write("replica-b", 7, first)).isTrue();
    assertThat(answer(store, query(List.of(Dimension.API))))
        .containsExactly("orders calls=8 errors=0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void filtersRangeAndTopNarrowTheAnswer(
      String db, java.util.function.Supplier<DataSource> database) throws SQLException {
    AnalyticsStore store = new AnalyticsStore(database.get());
    store.write(
        "r",
        0,
        minute(
            T0,
            row(T0, "gold", "a", 200, 0, 1, 1, 1),
            row(T0, "gold", "b", 200, 0, 1, 1),
            row(T0, "free", "a", 404, 0, 1),
            row(T0, "free", "c", 401, 1, 1, 1, 1, 1)));
    store.write("r", 1, minute(T1, row(T1, "gold", "a", 200, 0, 1)));
    List<Dimension> byApp = List.of(Dimension.APP);

    assertThat(
            answer(store, new AnalyticsQuery(T0, T1, byApp, null, "gold", null, null, null, 100)))
        .as("minutes that start in [from, to)")
        .containsExactly("a a-name calls=3 errors=0", "b b-name calls=2 errors=0");
    assertThat(
            answer(
                store,
                new AnalyticsQuery(
                    T0.plusSeconds(1),
                    T1.plusSeconds(1),
                    byApp,
                    null,
                    null,
                    null,
                    null,
                    null,
                    100)))
        .containsExactly("a a-name calls=1 errors=0");
    assertThat(
            answer(store, new AnalyticsQuery(T0, T1, byApp, "orders", null, "a", null, null, 100)))
        .containsExactly("a a-name calls=4 errors=0");
    assertThat(
            answer(
                store, new AnalyticsQuery(T0, T1, byApp, "payments", null, null, null, null, 100)))
        .isEmpty();
    assertThat(answer(store, new AnalyticsQuery(T0, T1, byApp, null, null, null, 404, null, 100)))
        .containsExactly("a a-name calls=1 errors=0");
    assertThat(answer(store, new AnalyticsQuery(T0, T1, byApp, null, null, null, null, "4xx", 100)))
        .containsExactly("c c-name calls=4 errors=1", "a a-name calls=1 errors=0");

    AnalyticsStore.Answer top =
        store.query(new AnalyticsQuery(T0, T1, byApp, null, null, null, null, null, 2));
    assertThat(top.truncated()).isTrue();
    // a and c have 4 calls each: ties go by the group's fields
    assertThat(top.groups()).extracting(AnalyticsStore.Group::app).containsExactly("a", "c");
    assertThat(
            store
                .query(new AnalyticsQuery(T0, T1, byApp, null, null, null, null, null, 3))
                .truncated())
        .isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void retentionDeletesWholeMinutesBeforeTheCutoff(
      String db, java.util.function.Supplier<DataSource> database) throws SQLException {
    AnalyticsStore store = new AnalyticsStore(database.get());
    store.write(
        "r", 0, minute(T0, row(T0, "gold", "a", 200, 0, 1), row(T0, "gold", "b", 200, 0, 1)));
    store.write("r", 1, minute(T1, row(T1, "gold", "a", 200, 0, 1)));
    assertThat(store.deleteBefore(T1)).isEqualTo(2);
    assertThat(store.deleteBefore(T1)).isZero();
    assertThat(answer(store, query(List.of(Dimension.MINUTE))))
        .containsExactly(T1 + " calls=1 errors=0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void valuesLongerThanTheirColumnsAreCutAndMerged(
      String db, java.util.function.Supplier<DataSource> database) throws SQLException {
    AnalyticsStore store = new AnalyticsStore(database.get());
    String longApp = "x".repeat(AnalyticsStore.APP_COLUMN);
    store.write(
        "r",
        0,
        minute(
            T0,
            row(T0, "gold", longApp + "1", 200, 0, 1),
            row(T0, "gold", longApp + "2", 200, 0, 1)));
    List<AnalyticsStore.Group> groups = store.query(query(List.of(Dimension.APP))).groups();
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).app()).isEqualTo(longApp);
    assertThat(groups.get(0).calls()).isEqualTo(2);
  }
}
