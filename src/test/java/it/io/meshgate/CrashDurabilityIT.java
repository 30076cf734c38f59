package it.io.meshgate;

import it.io.meshgate.support.CrashDuringWrites;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.OnManagedGateway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} during 200 concurrent admin writes against PostgreSQL: every write answered 2xx
 * survives, and none is half-applied (an app without its audit row, or the reverse). The fault
 * suite runs the same scenario three times ({@code faults.CrashFaultsIT}).
 */
class CrashDurabilityIT extends OnManagedGateway {
  private static final int WRITES = 200;

  @Test
  void everyAcknowledgedWriteSurvivesAKillAndNoneIsHalfApplied() throws Exception {
    Assumptions.assumeTrue(
        "postgresql".equals(System.getProperty("meshgate.it.db")),
        "the crash test runs against PostgreSQL");
    CrashDuringWrites.run(Gateways.get(), "crash", WRITES).assertNothingLostOrHalfApplied();
  }
}
