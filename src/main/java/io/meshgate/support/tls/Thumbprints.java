package io.meshgate.support.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 thumbprints of certificates (over their DER encoding), the way RFC 8705 binds tokens to
 * them ({@code x5t#S256}, base64url) and the way people compare them (hex).
 */
public final class Thumbprints {
  /** What a client certificate's credential digest is computed over: this, then the hex. */
  public static final String CREDENTIAL_PREFIX = "x5t#S256:";

  private Thumbprints() {}

  /** The certificate's SHA-256 thumbprint. */
  public static byte[] sha256(X509Certificate cert) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lower-case hex, 64 digits. */
  public static String hex(byte[] thumbprint) {
    return HexFormat.of().formatHex(thumbprint);
  }

  /** Base64url without padding: the value of {@code cnf.x5t#S256}. */
  public static String base64Url(byte[] thumbprint) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(thumbprint);
  }

  /**
   * A thumbprint as people write it ({@code AB:CD:...} or {@code abcd...}) in the canonical form
   * (64 lower-case hex digits), or null when it is not a SHA-256 thumbprint.
   */
  public static String normalizeHex(String written) {
    if (written == null) {
      return null;
    }
    String hex = written.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
    return hex.matches("[0-9a-f]{64}") ? hex : null;
  }

  /**
   * Why a certificate's public key is too weak to authenticate with (RSA below 2048 bits, EC below
   * 256), or null when it is not.
   */
  public static String weakKey(java.security.PublicKey key) {
    if (key instanceof java.security.interfaces.RSAPublicKey rsa
        && rsa.getModulus().bitLength() < 2048) {
      return "RSA " + rsa.getModulus().bitLength() + " bits (at least 2048)";
    }
    if (key instanceof java.security.interfaces.ECPublicKey ec
        && ec.getParams().getCurve().getField().getFieldSize() < 256) {
      return "EC " + ec.getParams().getCurve().getField().getFieldSize() + " bits (at least 256)";
    }
    return null;
  }
}
