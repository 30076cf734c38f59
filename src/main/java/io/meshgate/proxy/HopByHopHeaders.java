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
   * Options read from a message's Connection fields at most. A message has at most a hundred fields
   * (HTTP_MAX_HEADERS), so a longer list is padding: reading all of a megabyte of "a,a,a," would
   * cost a string per option on every call.
   */
  static final int MAX_CONNECTION_OPTIONS = 1000;

  /**
   * The normalized names this message must not forward: {@link #ALWAYS} plus those listed in
   * Connection (its first {@link #MAX_CONNECTION_OPTIONS} options).
   */
  public static Set<String> of(HeaderList headers) {
    java.util.List<String> connection = headers.all("connection");
    if (connection.isEmpty()) {
      return ALWAYS;
    }
    // Most messages name only fields of ALWAYS ("Connection: keep-alive"): no copy for those.
    Set<String> names = ALWAYS;
    int options = 0;
    for (String value : connection) {
      int start = 0;
      while (start <= value.length() && options < MAX_CONNECTION_OPTIONS) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? value.length() : comma;
        String name = value.substring(start, end).trim();
        if (!name.isEmpty()) {
          String normalized = HeaderList.normalize(name);
          if (!names.contains(normalized)) {
            if (names == ALWAYS) {
              names = new HashSet<>(ALWAYS);
            }
            names.add(normalized);
          }
          options++;
        }
        start = end + 1;
      }
    }
    return names;
  }
}
