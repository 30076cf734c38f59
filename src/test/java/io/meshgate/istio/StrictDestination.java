package io.meshgate.istio;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A destination that behaves as a workload behind an Istio sidecar with the given resources applied
 * (decisions by {@link MeshEmulator}): it refuses what the sidecar would refuse, and answers 200
 * from the version the route selects, named in the header {@code x-version} and the JSON field
 * {@code version}. For tests that need a strict mesh over real HTTP, such as the conformance
 * self-test's integration test.
 */
public final class StrictDestination implements AutoCloseable {
  public static final String VERSION_HEADER = "x-version";

  private final HttpServer server;

  /**
   * @param resources the compiled resources (inline JWKS) for the destination
   * @param host the Service host the requests are routed as
   */
  public StrictDestination(List<Map<String, Object>> resources, String host, int port)
      throws IOException {
    this(resources, host, port, Clock.systemUTC());
  }

  /** With the clock tokens are checked at. */
  public StrictDestination(List<Map<String, Object>> resources, String host, int port, Clock clock)
      throws IOException {
    MeshEmulator mesh = new MeshEmulator(resources, clock);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          Map<String, String> headers = new HashMap<>();
          exchange
              .getRequestHeaders()
              .forEach((n, v) -> headers.put(n.toLowerCase(Locale.ROOT), v.get(0)));
          MeshEmulator.Decision d =
              mesh.handle(
                  new MeshEmulator.Request(
                      exchange.getRequestMethod(),
                      exchange.getRequestURI().getRawPath(),
                      host,
                      port,
                      headers,
                      Optional.empty(),
                      Optional.empty()));
          String version =
              d.destinations().isEmpty() ? null : d.destinations().get(0).subset().orElse(null);
          byte[] body =
              ("{\"version\":" + (version == null ? "null" : "\"" + version + "\"") + "}")
                  .getBytes(StandardCharsets.UTF_8);
          if (version != null) {
            exchange.getResponseHeaders().add(VERSION_HEADER, version);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(d.status(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
