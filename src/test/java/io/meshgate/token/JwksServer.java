package io.meshgate.token;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test HTTP server on a random local port that serves a JWK Set at {@code /jwks} (changeable, as
 * an identity provider rotating its keys) and counts every request it receives, on any path. As the
 * target of a token's {@code jku} or {@code x5u}, it proves the gateway never followed them.
 */
public final class JwksServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private volatile String jwks = "{\"keys\":[]}";
  private volatile java.util.concurrent.CountDownLatch gate;

  public JwksServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          boolean isJwks = exchange.getRequestURI().getPath().equals("/jwks");
          if (isJwks) {
            jwksRequests.incrementAndGet();
            java.util.concurrent.CountDownLatch g = gate;
            if (g != null) {
              try {
                g.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
          byte[] body = (isJwks ? jwks : "{}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(isJwks ? 200 : 404, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public URI jwksUrl() {
    return base().resolve("/jwks");
  }

  public void serve(String jwksJson) {
    this.jwks = jwksJson;
  }

  /** Holds key-set answers until {@link #release()}: an IdP that has become slow. */
  public void hold() {
    gate = new java.util.concurrent.CountDownLatch(1);
  }

  public void release() {
    java.util.concurrent.CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /** Requests received on any path. */
  public int requests() {
    return requests.get();
  }

  /** Requests for the key set. */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
