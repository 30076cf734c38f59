package it.io.meshgate.support;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.meshgate.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * An HTTPS upstream on 127.0.0.1 that answers every request 200 with the subject of the client
 * certificate it got ({@code none} without one); it can require a client certificate.
 */
public final class HttpsStub implements AutoCloseable {
  private final HttpsServer server;

  private HttpsStub(HttpsServer server) {
    this.server = server;
  }

  /**
   * @param identity the server's certificate
   * @param requireClientFrom when not {@code null}, a client certificate from this CA is required
   */
  public static HttpsStub start(TestPki.Issued identity, X509Certificate requireClientFrom) {
    try {
      SSLContext ctx =
          requireClientFrom == null ? identity.context() : identity.context(requireClientFrom);
      HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
      s.setHttpsConfigurator(
          new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
              var p = ctx.getDefaultSSLParameters();
              p.setNeedClientAuth(requireClientFrom != null);
              params.setSSLParameters(p);
            }
          });
      s.createContext(
          "/",
          ex -> {
            String client = "none";
            try {
              Certificate[] peer = ((HttpsExchange) ex).getSSLSession().getPeerCertificates();
              client = ((X509Certificate) peer[0]).getSubjectX500Principal().getName();
            } catch (SSLPeerUnverifiedException e) {
              // no client certificate
            }
            ex.getRequestBody().readAllBytes();
            byte[] body = ("client=" + client).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          });
      s.start();
      return new HttpsStub(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code https://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
