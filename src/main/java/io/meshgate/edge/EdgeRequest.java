package io.meshgate.edge;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.InetAddress;

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
    EdgeClients.Client client = EdgeClients.lookup(req.getRemotePort());
    if (client == null || !loopback(req.getRemoteAddr())) {
      return req;
    }
    return new EdgeRequest(req, client, edgePort);
  }

  private static boolean loopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
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
