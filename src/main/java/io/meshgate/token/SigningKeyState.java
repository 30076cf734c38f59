package io.meshgate.token;

/**
 * Lifecycle of a signing key. The JWKS serves {@link #PUBLISHED}, {@link #ACTIVE} and {@link
 * #RETIRING} keys; only the {@link #ACTIVE} key signs.
 */
public enum SigningKeyState {
  STAGED,
  PUBLISHED,
  ACTIVE,
  RETIRING,
  RETIRED;

  public boolean inJwks() {
    return this == PUBLISHED || this == ACTIVE || this == RETIRING;
  }
}
