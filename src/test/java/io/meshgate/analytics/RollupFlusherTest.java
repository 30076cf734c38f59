package io.meshgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class RollupFlusherTest {
  private static final Instant T0 = CallAggregatorTest.T0;

  private final DataSource h2 = TestDatabases.h2();
  private final AtomicReference<SQLException> failure = new AtomicReference<>();
  private final AnalyticsStore store = new AnalyticsStore(TestDatabases.failing(h2, failure::get));
  private final AnalyticsStore reader = new AnalyticsStore(h2);
  private final CallAggregator aggregator = new CallAggregator(100);

  private long stored() throws SQLException {
    return reader
        .query(
            new AnalyticsQuery(
                T0.minusSeconds(3600),
                T0.plusSeconds(3600),
                List.of(Dimension.API),
                null,
                null,
                null,
                null,
                null,
                10))
        .groups()
        .stream()
        .mapToLong(AnalyticsStore.Group::calls)
        .sum();
  }

  private void calls(int minute, int n) {
    for (int i = 0; i < n; i++) {
      aggregator.add(CallAggregatorTest.ok(T0.plusSeconds(minute * 60L + i % 60), "gold", "a"));
    }
  }

  @Test
  void onlyEndedMinutesAreWrittenUntilShutdownWritesTheCurrentOneToo() throws SQLException {
    RollupFlusher flusher = new RollupFlusher(aggregator, store, "r", 1000);
    calls(0, 3);
    calls(1, 2);
    assertThat(flusher.flush(T0.plusSeconds(30), false, true)).isZero();
    assertThat(stored()).isZero();
    assertThat(flusher.flush(T0.plusSeconds(61), false, true)).isZero();
    assertThat(stored()).isEqualTo(3);
    assertThat(flusher.flush(T0.plusSeconds(62), true, true)).isZero();
    assertThat(stored()).isEqualTo(5);
  }

  @Test
  void beforeStartUpAndWhileTheDatabaseIsDownMinutesWaitAndAreWrittenOnceAfter()
      throws SQLException {
    RollupFlusher flusher = new RollupFlusher(aggregator, store, "r", 1000);
    calls(0, 3);
    assertThat(flusher.flush(T0.plusSeconds(61), false, false)).as("schema not ready").isOne();
    calls(1, 4);
    failure.set(new SQLTransientConnectionException("down", "08001"));
    assertThat(flusher.flush(T0.plusSeconds(121), false, true)).isEqualTo(2);
    calls(0, 1); // a late call of minute 0
    assertThat(flusher.flush(T0.plusSeconds(130), false, true)).isEqualTo(3);
    assertThat(flusher.pendingRows()).isEqualTo(3);
    failure.set(null);
    assertThat(flusher.flush(T0.plusSeconds(131), false, true)).isZero();
    assertThat(flusher.flush(T0.plusSeconds(132), false, true)).isZero();
    assertThat(stored()).isEqualTo(8);
  }

  @Test
  void pastTheBoundTheOldestMinutesAreDropped() throws SQLException {
    RollupFlusher flusher = new RollupFlusher(aggregator, store, "r", 2);
    failure.set(new SQLTransientConnectionException("down", "08001"));
    calls(0, 1);
    calls(1, 2);
    calls(2, 4);
    assertThat(flusher.flush(T0.plusSeconds(181), false, true)).isEqualTo(2);
    failure.set(null);
    flusher.flush(T0.plusSeconds(182), false, true);
    assertThat(stored()).isEqualTo(6);
  }

  @Test
  void aBatchTheDatabaseRefusesForAnotherReasonIsDroppedAfterFiveAttempts() throws SQLException {
    RollupFlusher flusher = new RollupFlusher(aggregator, store, "r", 1000);
    failure.set(new SQLSyntaxErrorException("bad", "42000"));
    calls(0, 1);
    for (int i = 1; i < RollupFlusher.ATTEMPTS; i++) {
      assertThat(flusher.flush(T0.plusSeconds(60 + i), false, true)).isOne();
    }
    calls(1, 2);
    // the fifth failure drops minute 0; minute 1 is then tried and fails its first time
    assertThat(flusher.flush(T0.plusSeconds(121), false, true)).isOne();
    failure.set(null);
    assertThat(flusher.flush(T0.plusSeconds(122), false, true)).isZero();
    assertThat(stored()).isEqualTo(2);
  }
}
