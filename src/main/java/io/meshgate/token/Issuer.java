package io.meshgate.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's issuer URL ({@code iss} of its tokens, base of {@code jwks_uri}). Set {@code
 * MESHGATE_ISSUER} to the URL the mesh reaches the gateway at; a local run defaults to {@code
 * http://localhost:<HTTP_PORT>}.
 */
@ApplicationScoped
public class Issuer {
  public static final String JWKS_PATH = "/.well-known/jwks.json";

  @Inject
  @ConfigProperty(name = "meshgate.issuer")
  Optional<String> configured;

  @Inject
  @ConfigProperty(name = "HTTP_PORT", defaultValue = "9080")
  String httpPort;

  public String url() {
    String url = configured.filter(s -> !s.isBlank()).orElse("http://localhost:" + httpPort);
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public String jwksUri() {
    return url() + JWKS_PATH;
  }
}
