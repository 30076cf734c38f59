package io.meshgate.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 digests of API keys and client secrets under the server pepper. Only digests are
 * stored; a stolen database does not reveal a usable key, and a digest lookup leaks nothing useful
 * through timing because the attacker cannot compute digests without the pepper.
 */
@ApplicationScoped
public class SecretDigester {
  private static final String HMAC = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();

  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
  private ServerSecrets secrets;

  protected SecretDigester() {}

  @Inject
  public SecretDigester(ServerSecrets secrets) {
    this.secrets = secrets;
  }

  /** Digest for a fixed pepper; used by tests and tools. */
  public static SecretDigester withPepper(byte[] pepper) {
    SecretDigester digester = new SecretDigester();
    digester.fixedPepper = pepper.clone();
    return digester;
  }

  private byte[] fixedPepper;

  public byte[] digest(String secret) {
    Mac mac = macs.get();
    return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
  }

  public String digestHex(String secret) {
    return HEX.formatHex(digest(secret));
  }

  /** Constant-time comparison of a presented secret with a stored digest. */
  public boolean matches(String presented, byte[] storedDigest) {
    return storedDigest != null && MessageDigest.isEqual(digest(presented), storedDigest);
  }

  public static byte[] parseHex(String hex) {
    return HEX.parseHex(hex);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(HMAC);
      byte[] pepper = fixedPepper != null ? fixedPepper : secrets.pepper();
      mac.init(new SecretKeySpec(pepper, HMAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
