package io.meshgate.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private keys at rest with AES-256-GCM under the key-encryption key. The key id is the
 * associated data, so a sealed key cannot be swapped onto another key's row unnoticed.
 */
public final class PrivateKeySeal {
  private static final String CIPHER = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String VERSION = "v1.";

  private final SecretKeySpec kek;
  private final SecureRandom random = new SecureRandom();

  public PrivateKeySeal(byte[] keyEncryptionKey) {
    this.kek = new SecretKeySpec(keyEncryptionKey, "AES");
  }

  public String seal(byte[] plain, String kid) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      return VERSION
          + Base64.getEncoder()
              .encodeToString(
                  ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot seal key " + kid, e);
    }
  }

  /**
   * @throws IllegalStateException when the value was sealed under another key-encryption key or was
   *     tampered with
   */
  public byte[] open(String sealed, String kid) {
    if (!sealed.startsWith(VERSION)) {
      throw new IllegalStateException("Sealed key " + kid + " has an unknown format");
    }
    try {
      byte[] all = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "Cannot unseal signing key "
              + kid
              + ": wrong key-encryption key (MESHGATE_KEK) or damaged data",
          e);
    }
  }
}
