package io.meshgate.token;

/** No active signing key can be used (none yet, or it cannot be unsealed). */
public final class SigningUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SigningUnavailableException(String message) {
    super(message);
  }
}
