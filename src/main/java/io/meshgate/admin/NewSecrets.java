package io.meshgate.admin;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Fresh client secrets and API keys: 32 random bytes, base64url without padding (43 characters).
 * They are shown to the caller once and stored only as digests.
 */
public final class NewSecrets {
  /** Characters of an API key kept in clear so people can tell keys apart. */
  public static final int KEY_PREFIX_LENGTH = 8;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private NewSecrets() {}

  public static String secret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }

  /** A short random id, for generated client ids. */
  public static String id() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return ENCODER.encodeToString(bytes).replace('_', 'x').replace('-', 'y').toLowerCase();
  }

  public static String prefix(String key) {
    return key.substring(0, Math.min(KEY_PREFIX_LENGTH, key.length()));
  }
}
