package io.meshgate.edge;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request the TLS edge forwarded, as the gateway must see it: from the client's address, over
 * {@code https}, on the edge's port, with the client's certificate chain in the servlet attribute
 * {@code jakarta.servlet.request.X509Certificate}.
 */
public final class EdgeRequest extends HttpServletRequestWrapper {
  /** The servlet attribute that holds the client's certificate chain (Servlet 6.0, 3.10). */
  public static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  /** The servlet attribute that holds the negotiated cipher suite. */
  public static final String CIPHER_SUITE = "jakarta.servlet.request.cipher_suite";

  /** The only address the edge's loopback connections use, at both ends. */
  static final String EDGE_ADDRESS = "127.0.0.1";

  private final EdgeClients.Client client;
  private final int edgePort;

  EdgeRequest(HttpServletRequest request, EdgeClients.Client client, int edgePort) {
    super(request);
    this.client = client;
    this.edgePort = edgePort;
  }

  /**
   * The request as the gateway must see it: wrapped when it came from the TLS edge over the
   * loopback to Liberty's HTTP port, unchanged otherwise.
   */
  public static HttpServletRequest adopt(HttpServletRequest req, int httpPort, int edgePort) {
    if (edgePort <= 0 || req.getLocalPort() != httpPort) {
      return req;
    }
    // The edge connects from 127.0.0.1 to 127.0.0.1 (BackendPool), nothing else: an Istio
    // sidecar's inbound connections come from 127.0.0.6 or the pod's address, and their source
    // ports may equal the edge's, so the address must match exactly, not just be a loopback one.
    if (!EDGE_ADDRESS.equals(req.getRemoteAddr()) || !EDGE_ADDRESS.equals(req.getLocalAddr())) {
      return req;
    }
    EdgeClients.Client client = EdgeClients.lookup(req.getRemotePort());
    return client == null ? req : new EdgeRequest(req, client, edgePort);
  }

  /** The client this request came from. */
  public EdgeClients.Client client() {
    return client;
  }

  @Override
  public String getRemoteAddr() {
    return client.address().getAddress().getHostAddress();
  }

  @Override
  public String getRemoteHost() {
    return getRemoteAddr();
  }

  @Override
  public int getRemotePort() {
    return client.address().getPort();
  }

  @Override
  public int getLocalPort() {
    return edgePort;
  }

  @Override
  public String getScheme() {
    return "https";
  }

  @Override
  public boolean isSecure() {
    return true;
  }

  @Override
  public Object getAttribute(String name) {
    if (CERTIFICATES.equals(name)) {
      return client.certificates().length == 0 ? null : client.certificates().clone();
    }
    if (CIPHER_SUITE.equals(name)) {
      return client.cipherSuite();
    }
    return super.getAttribute(name);
  }
}
