package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;

/** What goes through the gateway arrives unchanged, in both directions, except what must not. */
class ProxyFidelityIT extends OnManagedGateway {

  @ArquillianResource private URL base;

  @Test
  void postBodyAndQueryReachTheUpstreamUnchanged() {
    String marker = UUID.randomUUID().toString();
    String query = "q=a%20b&q=c+d&empty=&flag&enc=%2F%3F%26&utf=%C3%A9";
    String body = "{\"item\":\"caf\u00e9\",\"qty\":3}";
    HttpResponse<String> r =
        Http.send(
            HttpRequest.newBuilder(uri("/orders/" + marker + "/items?" + query))
                .header("X-API-Key", "orders-key-1")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-Custom-Trace", "t-1")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    StubUpstream.Received received = ManagedGateway.upstream().only(marker);
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.rawPathAndQuery()).isEqualTo("/svc/orders/" + marker + "/items?" + query);
    assertThat(received.bodyText()).isEqualTo(body);
    assertThat(received.header("content-type")).containsExactly("application/json; charset=utf-8");
    assertThat(received.header("x-custom-trace")).containsExactly("t-1");
    // The trace continues: same trace id and sampling flag, the gateway's own span as parent.
    assertThat(received.header("traceparent"))
        .singleElement()
        .asString()
        .matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
        .doesNotContain("00f067aa0ba902b7");
    assertThat(received.header("x-forwarded-for")).containsExactly("127.0.0.1");
    assertThat(received.header("x-forwarded-proto")).containsExactly("http");
  }

  @Test
  void apiKeyInTheQueryIsAcceptedWhereAllowedAndRemovedFromWhatGoesUpstream() {
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> r = Http.get(uri("/orders/" + marker + "?a=%20x&apikey=orders-key-1&b=2"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(ManagedGateway.upstream().only(marker).rawPathAndQuery())
        .isEqualTo("/svc/orders/" + marker + "?a=%20x&b=2");
  }

  @Test
  void patchAndDeleteAreForwarded() {
    for (String method : new String[] {"PATCH", "DELETE", "PUT"}) {
      String marker = UUID.randomUUID().toString();
      HttpResponse<String> r =
          Http.send(
              HttpRequest.newBuilder(uri("/orders/" + marker))
                  .header("X-API-Key", "orders-key-1")
                  .method(
                      method, HttpRequest.BodyPublishers.ofString("{\"op\":\"" + method + "\"}")));
      assertThat(r.statusCode()).as(method + " " + r.body()).isEqualTo(200);
      StubUpstream.Received received = ManagedGateway.upstream().only(marker);
      assertThat(received.method()).isEqualTo(method);
      assertThat(received.bodyText()).isEqualTo("{\"op\":\"" + method + "\"}");
    }
  }

  @Test
  void createdResponseReachesTheClientUnchangedMinusHopByHopHeaders() {
    HttpResponse<String> r =
        Http.send(
            HttpRequest.newBuilder(uri("/create-order"))
                .header("X-API-Key", "orders-key-1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.body()).isEqualTo(StubUpstream.CREATED_BODY);
    assertThat(r.headers().allValues("Location")).containsExactly("/orders/42");
    assertThat(r.headers().allValues("X-Order-Version")).containsExactly("7");
    assertThat(r.headers().allValues("X-Multi")).containsExactly("one", "two");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.headers().map().keySet()).noneMatch(n -> n.equalsIgnoreCase("X-Hop-Marker"));
    assertThat(r.headers().allValues("Keep-Alive")).isEmpty();
  }

  @Test
  void wellFormedRequestIdIsKeptAndAMalformedOneReplaced() {
    String kept = UUID.randomUUID().toString();
    Http.get(uri("/orders/" + kept), "X-API-Key", "orders-key-1", "X-Request-Id", "req-" + kept);
    assertThat(ManagedGateway.upstream().only(kept).header("x-request-id"))
        .containsExactly("req-" + kept);

    String replaced = UUID.randomUUID().toString();
    Http.get(
        uri("/orders/" + replaced), "X-API-Key", "orders-key-1", "X-Request-Id", "bad id <script>");
    assertThat(ManagedGateway.upstream().only(replaced).header("x-request-id"))
        .singleElement()
        .asString()
        .matches("[0-9a-f-]{36}");
  }

  private URI uri(String pathAndQuery) {
    return ManagedGateway.uri(base, pathAndQuery);
  }
}
