package it.io.meshgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.LibertyServer;
import it.io.meshgate.support.TcpProxy;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/** What the fault tests share. */
final class FaultSuite {
  private static final Duration POLL_PAUSE = Duration.ofMillis(50);

  private FaultSuite() {}

  /**
   * The fault suite runs in its own failsafe execution, against PostgreSQL and Redis (the {@code
   * faults} profile). Picked by name ({@code -Dit.test=…}) into the H2 execution it is skipped
   * before any server starts: it tests PostgreSQL's and Redis's failures, which H2 cannot have.
   */
  static void requirePostgresql() {
    Assumptions.assumeTrue(
        "postgresql".equals(System.getProperty("meshgate.it.db")),
        "the fault suite runs against PostgreSQL and Redis (mvn verify -Pfaults)");
  }

  /** A proxy of the test's own in front of the shared PostgreSQL. */
  static TcpProxy postgresProxy() {
    return new TcpProxy("127.0.0.1", 5432);
  }

  /** The settings that make a replica reach the suite's database through {@code proxy}. */
  static Map<String, String> viaProxy(TcpProxy proxy) {
    return Map.of(
        "DB_URL", Gateways.get().dbUrl().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port()));
  }

  /** Prints what a test measured, then stops its replica and its proxy. */
  static void finish(List<String> measured, LibertyServer replica, TcpProxy proxy) {
    measured.forEach(System.out::println);
    if (replica != null) {
      replica.stop();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  /**
   * Repeats {@code request} until it answers {@code status}, for at most {@code seconds}. With
   * {@code interim} statuses given, every other answer meanwhile must be one of them.
   */
  static HttpResponse<String> await(
      Supplier<HttpResponse<String>> request, int status, int seconds, Integer... interim) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    HttpResponse<String> last;
    do {
      last = request.get();
      if (last.statusCode() == status) {
        return last;
      }
      if (interim.length > 0) {
        assertThat(last.statusCode()).as("meanwhile: " + last.body()).isIn((Object[]) interim);
      }
      pace();
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "no " + status + " within " + seconds + " s: " + last.statusCode() + " " + last.body());
  }

  /**
   * A pause between two polls of a server we wait for: not test timing (every wait has a deadline
   * and ends as soon as the answer comes), but so that the polling itself does not load the 2 cores
   * the server under test shares, and slow down what is measured.
   */
  static void pace() {
    LockSupport.parkNanos(POLL_PAUSE.toNanos());
  }

  static long elapsedMs(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
