package io.meshgate.support.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Certificates and private keys from PEM files, in the forms Kubernetes TLS secrets and
 * cert-manager write: certificate bundles, and PKCS#8, PKCS#1 (RSA) or SEC1 (EC) keys. Errors name
 * the file and the setting it came from, never the key material.
 */
public final class Pem {
  private Pem() {}

  /** Every certificate in a PEM file, in file order; at least one. */
  public static List<X509Certificate> certificates(Path file, String setting) {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          certs.add(converter.getCertificate(holder));
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(setting + ": no file " + file, e);
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new IllegalArgumentException(
          setting + ": " + file + " is not a PEM certificate file (" + e.getMessage() + ")", e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(
          setting + ": " + file + " holds no certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  /** The one private key of a PEM file; encrypted keys are refused. */
  public static PrivateKey privateKey(Path file, String setting) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException(
              setting + ": the key in " + file + " is encrypted; give it unencrypted (0600)");
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(setting + ": no file " + file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          setting + ": " + file + " is not a PEM private key file (" + e.getMessage() + ")", e);
    }
    throw new IllegalArgumentException(
        setting
            + ": "
            + file
            + " holds no private key (a PEM block of type PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  /**
   * Refuses a key that is not the certificate's (it would fail every handshake): signs a random
   * probe with the key and verifies it with the certificate's public key.
   */
  public static void requireKeyOf(X509Certificate cert, PrivateKey key, String message) {
    String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      byte[] probe = new byte[32];
      new java.security.SecureRandom().nextBytes(probe);
      java.security.Signature sign = java.security.Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      if (!verify.verify(signature)) {
        throw new IllegalArgumentException(message);
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException(message, e);
    }
  }
}
