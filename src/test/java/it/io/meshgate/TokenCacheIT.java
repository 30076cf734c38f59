package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;

/** A steady stream of calls by one app costs one signature, not one per call. */
class TokenCacheIT extends OnManagedGateway {

  @ArquillianResource private URL base;

  private static final Pattern SIGNATURES =
      Pattern.compile("(?m)^meshgate_token_signatures_total(?:\\{[^}]*\\})?\\s+([0-9.Ee+]+)$");

  @Test
  void thousandConsecutiveCallsCostExactlyOneSignature() {
    double before = signatures();
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      HttpResponse<String> r = Http.get(uri("/orders/cache-" + i), "X-API-Key", "cache-key");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    for (int i = 0; i < 1000; i += 111) {
      tokens.add(ManagedGateway.upstream().only("/cache-" + i + "").header("authorization").get(0));
    }
    assertThat(signatures() - before).isEqualTo(1.0);
    assertThat(tokens).hasSize(1);
  }

  private double signatures() {
    HttpResponse<String> metrics = Http.get(ManagedGateway.server().adminUri("/metrics"));
    assertThat(metrics.statusCode()).isEqualTo(200);
    Matcher m = SIGNATURES.matcher(metrics.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  private URI uri(String pathAndQuery) {
    return ManagedGateway.uri(base, pathAndQuery);
  }
}
