package io.meshgate.token;

import java.util.Optional;
import org.jose4j.jwk.PublicJsonWebKey;

/**
 * Where a validator finds the key a token names: only a configured key set, looked up by {@code
 * kid}. Never the token's own {@code jku}, {@code x5u}, {@code x5c} or {@code jwk} header.
 */
@FunctionalInterface
public interface KeySource {
  /** The key with this id, or empty when the set has none. Never throws. */
  Optional<PublicJsonWebKey> key(String kid);
}
