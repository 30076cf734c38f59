package io.meshgate.token;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * A parsed JWK Set as a {@link KeySource}: public signing keys by {@code kid}. Keys without a
 * {@code kid}, private or symmetric keys, and a {@code kid} that appears twice (ambiguous) are left
 * out, so they can never verify anything.
 */
public final class JwksKeys implements KeySource {
  public static final JwksKeys EMPTY = new JwksKeys(Map.of());

  private final Map<String, PublicJsonWebKey> byKid;

  private JwksKeys(Map<String, PublicJsonWebKey> byKid) {
    this.byKid = byKid;
  }

  /**
   * @throws IllegalArgumentException when the text is not a JWK Set
   */
  public static JwksKeys parse(String json) {
    JsonWebKeySet set;
    try {
      set = new JsonWebKeySet(json);
    } catch (JoseException | RuntimeException e) {
      throw new IllegalArgumentException("not a JWK Set: " + e.getMessage(), e);
    }
    Map<String, PublicJsonWebKey> keys = new HashMap<>();
    Set<String> ambiguous = new HashSet<>();
    for (JsonWebKey key : set.getJsonWebKeys()) {
      String kid = key.getKeyId();
      if (kid == null
          || kid.isEmpty()
          || !(key instanceof PublicJsonWebKey pub)
          || pub.getPrivateKey() != null) {
        continue;
      }
      if (keys.putIfAbsent(kid, pub) != null) {
        ambiguous.add(kid);
      }
    }
    keys.keySet().removeAll(ambiguous);
    return new JwksKeys(Map.copyOf(keys));
  }

  @Override
  public Optional<PublicJsonWebKey> key(String kid) {
    return Optional.ofNullable(byKid.get(kid));
  }

  public int size() {
    return byKid.size();
  }
}
