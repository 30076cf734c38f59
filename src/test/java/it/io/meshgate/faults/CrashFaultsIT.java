package it.io.meshgate.faults;

import it.io.meshgate.support.CrashDuringWrites;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.OnManagedGateway;
import org.junit.jupiter.api.RepeatedTest;

/**
 * {@code kill -9} of a replica during 200 concurrent admin writes, three times: every write
 * answered 2xx survives the crash and the restart, and none is half-applied.
 */
class CrashFaultsIT extends OnManagedGateway {
  @RepeatedTest(3)
  void everyAcknowledgedWriteSurvivesAKill() throws Exception {
    CrashDuringWrites.run(Gateways.get(), "crash-fault", 200).assertNothingLostOrHalfApplied();
  }
}
