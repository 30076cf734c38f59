package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client can never choose the plan the mesh routes on: whatever it sends, in whatever spelling,
 * the upstream sees exactly one {@code x-client-plan}, the one of its subscription.
 */
class ReservedHeadersIT extends OnManagedGateway {

  @ArquillianResource private URL base;

  static Stream<List<String>> spoofs() {
    return Stream.of(
        List.of("x-client-plan: premium"),
        List.of("X-Client-Plan: beta"),
        List.of("x_client_plan: beta"),
        List.of("X_CLIENT_PLAN: premium"),
        List.of("x-client-plan: premium", "x-client-plan: beta"),
        List.of("Connection: x-client-plan", "x-client-plan: premium"),
        List.of(
            "x-client-id: premium-demo-client",
            "X-Api-Product: other",
            "x-meshgate-plan: premium",
            "x-envoy-original-path: /admin",
            "X-Istio-Attributes: forged",
            "x-forwarded-client-cert: By=spiffe://x",
            "x-client-plan: beta"));
  }

  @ParameterizedTest
  @MethodSource("spoofs")
  void upstreamSeesExactlyOneClientPlanAndItIsTheSubscribedOne(List<String> spoofed) {
    String marker = UUID.randomUUID().toString();
    String head =
        "GET /echo/"
            + marker
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: free-demo-key\r\n"
            + String.join("\r\n", spoofed);
    String response = Http.raw(base.getPort(), head, null);

    assertThat(response).startsWith("HTTP/1.1 200");
    StubUpstream.Received received = ManagedGateway.upstream().only(marker);
    assertThat(planLikeHeaders(received.headers(), "x-client-plan")).containsExactly("free");
    assertThat(planLikeHeaders(received.headers(), "x-client-id"))
        .containsExactly("free-demo-client");
    assertThat(planLikeHeaders(received.headers(), "x-api-product")).containsExactly("demo");
    assertThat(received.headers().keySet())
        .noneMatch(
            n -> n.startsWith("x-meshgate") || n.startsWith("x-envoy") || n.startsWith("x-istio"))
        .doesNotContain("x-forwarded-client-cert");
  }

  /** Every value of every header that a mesh proxy could read as {@code name}. */
  private static List<String> planLikeHeaders(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().replace('_', '-').equalsIgnoreCase(name))
        .flatMap(e -> e.getValue().stream())
        .toList();
  }
}
