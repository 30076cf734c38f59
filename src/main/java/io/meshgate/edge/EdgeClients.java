package io.meshgate.edge;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is on the other side of each request the TLS edge is forwarding right now, keyed by the local
 * port of the edge's loopback connection to Liberty. The edge registers a request's client just
 * before it writes the request and removes it when the exchange ends, so an entry exists only while
 * a request of the edge is in flight on that connection. Nothing a client sends can create or
 * change an entry: it lives in this JVM, not in a header.
 */
public final class EdgeClients {

  /**
   * The client of one forwarded request.
   *
   * @param address the client's address and port
   * @param certificates the client certificate chain it presented, leaf first (empty: none)
   * @param protocol {@code h2} or {@code http/1.1}
   * @param tlsVersion the negotiated TLS version, for example {@code TLSv1.3}
   * @param cipherSuite the negotiated cipher suite
   * @param serverName the SNI host name the client asked for, or null
   */
  public record Client(
      InetSocketAddress address,
      X509Certificate[] certificates,
      String protocol,
      String tlsVersion,
      String cipherSuite,
      String serverName) {}

  private static final Map<Integer, Client> IN_FLIGHT = new ConcurrentHashMap<>();

  private EdgeClients() {}

  static void register(int loopbackPort, Client client) {
    IN_FLIGHT.put(loopbackPort, client);
  }

  static void remove(int loopbackPort) {
    IN_FLIGHT.remove(loopbackPort);
  }

  /** The client of the edge request arriving from this loopback port, or null. */
  public static Client lookup(int loopbackPort) {
    return IN_FLIGHT.get(loopbackPort);
  }
}
