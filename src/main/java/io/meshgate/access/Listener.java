package io.meshgate.access;

/** The two listeners of a meshgate server: an endpoint answers on exactly one of them. */
public enum Listener {
  /** The data port ({@code HTTP_PORT}): API calls, the OAuth token endpoint, the JWKS. */
  DATA,
  /**
   * The admin port ({@code ADMIN_PORT}, {@code ADMIN_HTTPS_PORT}): the admin API, {@code /metrics},
   * {@code /openapi}.
   */
  ADMIN
}
