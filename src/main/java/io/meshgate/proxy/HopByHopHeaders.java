package io.meshgate.proxy;

import io.meshgate.chain.HeaderList;
import java.util.HashSet;
import java.util.Set;

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1) belong to one connection and are never forwarded, in either
 * direction, together with every field named in {@code Connection}.
 */
public final class HopByHopHeaders {
  /** Normalized names that are always connection-specific. */
  public static final Set<String> ALWAYS =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private HopByHopHeaders() {}

  /**
   * The normalized names this message must not forward: {@link #ALWAYS} plus those listed in
   * Connection.
   */
  public static Set<String> of(HeaderList headers) {
    java.util.List<String> connection = headers.all("connection");
    if (connection.isEmpty()) {
      return ALWAYS;
    }
    Set<String> names = new HashSet<>(ALWAYS);
    for (String value : connection) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
          names.add(HeaderList.normalize(name));
        }
      }
    }
    return names;
  }
}
