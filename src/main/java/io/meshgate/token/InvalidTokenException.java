package io.meshgate.token;

/** A token that must be refused. The message is a short reason, safe to show the caller. */
public final class InvalidTokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidTokenException(String reason) {
    super(reason, null, false, false);
  }
}
