package it.io.meshgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.RotationRig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * A key rotation under continuous calls to two replicas, three times in a row: a verifier that
 * re-reads the JWKS only every mesh refresh interval (as Istio does) accepts every token the
 * upstream receives, and every call is answered 200.
 */
class RotationFaultsIT {
  private static RotationRig rig;

  @BeforeAll
  static void startPair() {
    rig = new RotationRig("rotfault", Duration.ofSeconds(3), Duration.ofSeconds(2), Map.of());
  }

  @AfterAll
  static void stopPair() {
    if (rig != null) {
      rig.close();
    }
  }

  @RepeatedTest(3)
  void aRotationUnderLoadFailsNoToken(RepetitionInfo round) throws Exception {
    RotationRig.Callers callers = new RotationRig.Callers();
    String next;
    try (RotationRig.TokenWatch watch = rig.new TokenWatch()) {
      try {
        callers.start("a", rig.a);
        callers.start("b", rig.b);
        // Asked of each replica in turn: the new key is published now and signs from the
        // earliest allowed instant on both.
        HttpResponse<String> r =
            rig.admin(
                round.getCurrentRepetition() % 2 == 0 ? rig.b : rig.a,
                "POST",
                "/admin/v1/keys/rotation",
                "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject key = Json.createReader(new StringReader(r.body())).readObject();
        next = key.getString("kid");
        watch.awaitSeen(next);
      } finally {
        callers.stop();
      }
      System.out.printf(
          "[rotation %d/3] %d calls, %d tokens verified, new kid %s; failed tokens: %d, failed"
              + " calls: %d%n",
          round.getCurrentRepetition(),
          callers.calls.get(),
          watch.verified.get(),
          next,
          watch.failures.size(),
          callers.errors.size());
      assertThat(watch.failures).as("failed tokens").isEmpty();
      assertThat(callers.errors).as("failed calls").isEmpty();
      assertThat(watch.verified.get()).isPositive();
      assertThat(watch.firstSeen).containsKey(next);
    }
  }
}
