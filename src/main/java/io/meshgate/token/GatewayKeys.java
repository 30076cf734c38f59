package io.meshgate.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The gateway's own published keys as a {@link KeySource}, re-parsed only when the JWKS changes:
 * what verifies the gateway's access and admin tokens is exactly what the mesh is served.
 */
@ApplicationScoped
public class GatewayKeys {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(GatewayKeys.class.getName());

  @Inject SigningKeys keys;

  private volatile Parsed parsed = new Parsed("", JwksKeys.EMPTY);

  /** For tests and tools outside CDI: the key set of these signing keys. */
  public static GatewayKeys of(SigningKeys keys) {
    GatewayKeys g = new GatewayKeys();
    g.keys = keys;
    return g;
  }

  private record Parsed(String json, JwksKeys keys) {}

  public KeySource current() {
    String json = keys.jwksJson();
    Parsed p = parsed;
    if (p.json() != json && !p.json().equals(json)) {
      try {
        p = new Parsed(json, JwksKeys.parse(json));
      } catch (IllegalArgumentException e) {
        // Cannot happen with the JWKS SigningKeys builds; if it did, no token would verify.
        LOG.severe("MESHGATE-KEYS: the gateway's own JWKS does not parse: " + e.getMessage());
        p = new Parsed(json, JwksKeys.EMPTY);
      }
      parsed = p;
    }
    return p.keys();
  }

  /** The JWKS text {@link #current()} was parsed from (identity changes when the set changes). */
  public String jwksJson() {
    return keys.jwksJson();
  }
}
