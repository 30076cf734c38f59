package io.meshgate.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DatabaseProbeTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    executor.shutdownNow();
  }

  @Test
  void aDatabaseThatAnswersIsUp() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:probe");
    h2.getConnection().close(); // loads the driver's classes: a server has done so long before
    assertThat(probe(h2).state()).isEqualTo("up");
  }

  @Test
  void aRefusedConnectionIsDown() {
    assertThat(
            probe(
                    dataSource(
                        () -> {
                          throw new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
                        }))
                .state())
        .isEqualTo("down");
  }

  @Test
  void aDatabaseThatNeverAnswersIsReportedWithinTheWaitAndChecksDoNotPileUp() {
    AtomicInteger attempts = new AtomicInteger();
    DatabaseProbe probe =
        probe(
            dataSource(
                () -> {
                  attempts.incrementAndGet();
                  release.await(); // a frozen database: the driver's timeout is far away
                  throw new SQLException("timed out", "08001");
                }));
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      assertThat(probe.state()).isEqualTo("not answering");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(Duration.ofMillis(DatabaseProbe.WAIT_MS + 400));
    }
    assertThat(attempts.get()).as("checks started for three probes").isEqualTo(1);
  }

  private DatabaseProbe probe(DataSource dataSource) {
    DatabaseProbe probe = new DatabaseProbe();
    probe.dataSource = dataSource;
    probe.executor = executor;
    return probe;
  }

  interface Connect {
    Object connect() throws Exception;
  }

  /** A data source whose {@code getConnection} does what {@code connect} does. */
  private static DataSource dataSource(Connect connect) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                return connect.connect();
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
