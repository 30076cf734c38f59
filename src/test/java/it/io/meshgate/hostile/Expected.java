package it.io.meshgate.hostile;

/**
 * The exact outcome an input must have: a status, an errorKey ({@code -} for an answer that is not
 * problem+json, such as Liberty's own bare 400), and what the stub upstream must have received:
 * nothing ({@code forwarded} null), or exactly one request with this raw path and query.
 */
record Expected(int status, String errorKey, String forwarded) {
  static final String BARE = "-";

  static Expected problem(int status, String errorKey) {
    return new Expected(status, errorKey, null);
  }

  /** Liberty's own answer, before any application code: no problem+json body. */
  static Expected bare(int status) {
    return new Expected(status, BARE, null);
  }

  /** Answered by a gateway endpoint with a body of its own (a JSON document, not a problem). */
  static Expected document(int status) {
    return new Expected(status, BARE, null);
  }

  /** Proxied: the upstream answers 200 and received exactly {@code rawPathAndQuery}. */
  static Expected forwarded(String rawPathAndQuery) {
    return new Expected(200, BARE, rawPathAndQuery);
  }

  @Override
  public String toString() {
    return status + " " + errorKey + (forwarded == null ? "" : " forwarded " + forwarded);
  }
}
