package io.meshgate.admin.keys;

/** Request bodies of the signing-key admin API. */
public final class KeyRequests {
  private KeyRequests() {}

  /**
   * A new key.
   *
   * @param alg {@code ES256} or {@code RS256}; default {@code meshgate.token.algorithm}
   * @param publish whether to publish it at once (default true)
   */
  public record NewKey(String alg, Boolean publish) {}

  /**
   * A rotation.
   *
   * @param kid the published key to activate; absent: a new key of the configured algorithm is
   *     created and published now
   * @param at when it activates (ISO-8601 instant); absent: the earliest allowed instant
   */
  public record Rotation(String kid, String at) {}
}
