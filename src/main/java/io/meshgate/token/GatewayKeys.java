package io.meshgate.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The gateway's own published keys as a {@link KeySource}, re-parsed only when the JWKS changes:
 * what verifies the gateway's access and admin tokens is exactly what the mesh is served.
 */
@ApplicationScoped
public class GatewayKeys {
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
      p = new Parsed(json, JwksKeys.parse(json));
      parsed = p;
    }
    return p.keys();
  }

  /** The JWKS text {@link #current()} was parsed from (identity changes when the set changes). */
  public String jwksJson() {
    return keys.jwksJson();
  }
}
