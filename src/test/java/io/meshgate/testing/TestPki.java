package io.meshgate.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time (never committed): a CA that issues server and client certificates
 * with the names a test needs, written as PEM the way a Kubernetes TLS secret holds them.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private TestPki() {}

  /** A certificate with its key; {@code chain} starts with the certificate. */
  public record Issued(X509Certificate cert, PrivateKey key, List<X509Certificate> chain) {

    /**
     * Writes {@code <name>.crt} (the chain) and {@code <name>.key} (its key, PKCS#8 PEM) into
     * {@code dir}.
     */
    public Issued writeTo(Path dir, String name) {
      write(dir.resolve(name + ".crt"), chain.toArray());
      try {
        write(dir.resolve(name + ".key"), new JcaPKCS8Generator(key, null).generate());
      } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
        throw new IllegalStateException(e);
      }
      return this;
    }

    /** A server-side or client-side TLS context presenting this certificate. */
    public SSLContext context(X509Certificate... trusted) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", key, new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < trusted.length; i++) {
          ts.setCertificateEntry("ca" + i, trusted[i]);
        }
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A certificate authority (self-signed, EC P-256). */
  public record Ca(X509Certificate cert, PrivateKey key) {

    /**
     * Issues a leaf certificate, valid from an hour ago for a day, for the host names and IP
     * addresses given (as subject alternative names), usable for TLS servers and clients.
     */
    public Issued issue(String cn, String... names) {
      return issue(cn, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1), names);
    }

    public Issued issue(String cn, Instant notBefore, Duration validity, String... names) {
      KeyPair pair = keyPair();
      try {
        X509v3CertificateBuilder b =
            new JcaX509v3CertificateBuilder(
                    new X500Name(cert.getSubjectX500Principal().getName()),
                    BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore),
                    Date.from(notBefore.plus(validity)),
                    new X500Name("CN=" + cn),
                    pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                .addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(
                        new KeyPurposeId[] {
                          KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                        }));
        if (names.length > 0) {
          List<GeneralName> sans = new ArrayList<>();
          for (String n : names) {
            boolean ip = n.matches("[0-9.]+") || n.contains(":");
            sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
          }
          b.addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        X509Certificate leaf = sign(b, key);
        return new Issued(leaf, pair.getPrivate(), List.of(leaf));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Writes the CA certificate as {@code <name>.crt}. */
    public Ca writeTo(Path dir, String name) {
      write(dir.resolve(name + ".crt"), cert);
      return this;
    }
  }

  /** A new CA named {@code CN=<cn>}, valid from an hour ago for a day. */
  public static Ca ca(String cn) {
    KeyPair pair = keyPair();
    Instant from = Instant.now().minus(Duration.ofHours(1));
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  new X500Name("CN=" + cn),
                  BigInteger.valueOf(SERIAL.incrementAndGet()),
                  Date.from(from),
                  Date.from(from.plus(Duration.ofDays(1))),
                  new X500Name("CN=" + cn),
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new Ca(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes PEM objects to a file, atomically (a reader never sees half a file). */
  public static void write(Path file, Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        pem.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".pem", ".tmp");
      Files.writeString(tmp, out.toString());
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
