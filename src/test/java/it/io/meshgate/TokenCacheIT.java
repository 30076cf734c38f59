package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A steady stream of calls by one app costs one signature, not one per call. */
class TokenCacheIT {
  private static final Pattern SIGNATURES =
      Pattern.compile("(?m)^meshgate_token_signatures_total\\{[^}]*\\}\\s+([0-9.Ee+]+)$");
  private final Gateways gw = Gateways.get();

  @Test
  void thousandConsecutiveCallsCostExactlyOneSignature() {
    double before = signatures();
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      HttpResponse<String> r =
          Http.get(gw.server().uri("/orders/cache-" + i), "X-API-Key", "cache-key");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    for (int i = 0; i < 1000; i += 111) {
      tokens.add(gw.upstream().only("/cache-" + i + "").header("authorization").get(0));
    }
    assertThat(signatures() - before).isEqualTo(1.0);
    assertThat(tokens).hasSize(1);
  }

  private double signatures() {
    HttpResponse<String> metrics = Http.get(gw.server().uri("/metrics?scope=application"));
    assertThat(metrics.statusCode()).isEqualTo(200);
    Matcher m = SIGNATURES.matcher(metrics.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }
}
