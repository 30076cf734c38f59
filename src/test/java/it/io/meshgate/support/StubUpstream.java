package it.io.meshgate.support;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The mesh service behind the gateway in tests: a real HTTP server on a random loopback port that
 * records every request exactly as received. Paths:
 *
 * <ul>
 *   <li>{@code /slow/**}: answers after 3 s (longer than the slow API's read timeout);
 *   <li>{@code /created/**}: 201 with a body and custom headers, some hop-by-hop;
 *   <li>any path with a {@code /big-answer/} segment: 200 with {@link #BIG_ANSWER_BYTES} bytes,
 *       byte {@code i} being {@code i % 251};
 *   <li>{@code /oidc/**}: an OpenID Connect provider for the portal ({@link StubOidcProvider});
 *   <li>anything else: 200 with a small JSON body.
 * </ul>
 */
public final class StubUpstream implements AutoCloseable {
  public static final int BIG_ANSWER_BYTES = 2 * 1024 * 1024;
  public static final String CREATED_BODY = "{\"id\":42,\"status\":\"created\"}";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private volatile java.util.function.Consumer<Received> listener = r -> {};

  public StubUpstream() {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK and every response stalls ~40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.createContext("/oidc", new StubOidcProvider(baseUrl() + "/oidc"));
    server.setExecutor(executor);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Called with every request on receipt, on the thread serving it (before the answer is sent), as
   * a mesh sidecar would check it.
   */
  public void onRequest(java.util.function.Consumer<Received> listener) {
    this.listener = listener;
  }

  /** Every request received whose raw path contains {@code marker}. */
  public List<Received> requestsContaining(String marker) {
    List<Received> found = new ArrayList<>();
    for (Received r : received) {
      if (r.rawPathAndQuery().contains(marker)) {
        found.add(r);
      }
    }
    return found;
  }

  /** The one request whose path contains {@code marker}; fails if there is not exactly one. */
  public Received only(String marker) {
    List<Received> found = requestsContaining(marker);
    if (found.size() != 1) {
      throw new AssertionError(
          "Expected exactly one upstream request containing " + marker + ", got " + found.size());
    }
    return found.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    String raw =
        exchange.getRequestURI().getRawPath()
            + (exchange.getRequestURI().getRawQuery() == null
                ? ""
                : "?" + exchange.getRequestURI().getRawQuery());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
    Received r = new Received(exchange.getRequestMethod(), raw, headers, body);
    received.add(r);
    listener.accept(r);

    String path = exchange.getRequestURI().getRawPath();
    Headers out = exchange.getResponseHeaders();
    if (path.startsWith("/slow")) {
      try {
        TimeUnit.SECONDS.sleep(3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (path.startsWith("/created")) {
      byte[] reply = CREATED_BODY.getBytes(StandardCharsets.UTF_8);
      out.add("Content-Type", "application/json");
      out.add("Location", "/orders/42");
      out.add("X-Order-Version", "7");
      out.add("X-Multi", "one");
      out.add("X-Multi", "two");
      out.add("Keep-Alive", "timeout=5");
      out.add("X-Hop-Marker", "must-not-reach-the-client");
      out.add("Connection", "X-Hop-Marker");
      exchange.sendResponseHeaders(201, reply.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(reply);
      }
      return;
    }
    if (path.contains("/big-answer/")) {
      byte[] big = new byte[BIG_ANSWER_BYTES];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) (i % 251);
      }
      out.add("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, big.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(big);
      }
      return;
    }
    byte[] reply = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    out.add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, reply.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(reply);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** One request as the upstream saw it; header names lower-cased, values in order. */
  public record Received(
      String method, String rawPathAndQuery, Map<String, List<String>> headers, byte[] body) {
    public List<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
