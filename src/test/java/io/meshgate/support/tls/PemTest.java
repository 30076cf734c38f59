package io.meshgate.support.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.testing.TestPki;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  /** The type of the first PEM block of a file (what its BEGIN line names). */
  private static String blockType(Path file) throws IOException {
    try (org.bouncycastle.util.io.pem.PemReader r =
        new org.bouncycastle.util.io.pem.PemReader(Files.newBufferedReader(file))) {
      return r.readPemObject().getType();
    }
  }

  @Test
  void aBundleGivesEveryCertificateInOrderAndIgnoresTextAroundThem() throws IOException {
    TestPki.Ca a = TestPki.ca("A");
    TestPki.Ca b = TestPki.ca("B");
    Path f = write("bundle.crt", "# CA bundle\n" + pem(a.cert()) + "junk line\n" + pem(b.cert()));
    assertThat(Pem.certificates(f, "SETTING")).containsExactly(a.cert(), b.cert());
  }

  @Test
  void keysAreReadInPkcs8Pkcs1AndSec1Form() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair r = rsa.generateKeyPair();
    PrivateKey ec = TestPki.ca("K").key();

    Path pkcs1 = write("rsa.key", pem(r.getPrivate()));
    assertThat(blockType(pkcs1)).isEqualTo("RSA PRIVATE KEY");
    assertThat(Pem.privateKey(pkcs1, "S").getEncoded()).isEqualTo(r.getPrivate().getEncoded());

    // SEC1 as OpenSSL and cert-manager write it: the curve named inside the key structure
    java.security.interfaces.ECPrivateKey e = (java.security.interfaces.ECPrivateKey) ec;
    byte[] sec1Der =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
                256,
                e.getS(),
                new org.bouncycastle.asn1.x9.X962Parameters(
                    org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1))
            .getEncoded();
    Path sec1 =
        write("ec.key", pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1Der)));
    assertThat(blockType(sec1)).isEqualTo("EC PRIVATE KEY");
    assertThat(((java.security.interfaces.ECPrivateKey) Pem.privateKey(sec1, "S")).getS())
        .isEqualTo(e.getS());

    Path pkcs8 = write("p8.key", pem(new JcaPKCS8Generator(ec, null)));
    assertThat(blockType(pkcs8)).isEqualTo("PRIVATE KEY");
    assertThat(((java.security.interfaces.ECPrivateKey) Pem.privateKey(pkcs8, "S")).getS())
        .isEqualTo(e.getS());
  }

  @Test
  void unusableFilesAreRefusedWithTheSettingAndTheFileButNoKeyMaterial() throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(
          TestPki.ca("E").key(),
          new JcePEMEncryptorBuilder("AES-128-CBC")
              .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
              .build("pw".toCharArray()));
    }
    Path encrypted = write("enc.key", out.toString());
    assertThatThrownBy(() -> Pem.privateKey(encrypted, "MESHGATE_X_KEY_FILE"))
        .hasMessageContaining("MESHGATE_X_KEY_FILE")
        .hasMessageContaining("encrypted");

    Path certOnly = write("cert.pem", pem(TestPki.ca("C").cert()));
    assertThatThrownBy(() -> Pem.privateKey(certOnly, "MESHGATE_X_KEY_FILE"))
        .hasMessageContaining("holds no private key");
    PrivateKey secret = TestPki.ca("D").key();
    Path keyOnly = write("key.pem", pem(secret));
    String keyBase64 =
        java.util.Base64.getEncoder().encodeToString(secret.getEncoded()).substring(0, 24);
    assertThatThrownBy(() -> Pem.certificates(keyOnly, "MESHGATE_X_CERT_FILE"))
        .hasMessageContaining("MESHGATE_X_CERT_FILE")
        .hasMessageContaining("holds no certificate")
        .hasMessageNotContaining(keyBase64);
    assertThatThrownBy(() -> Pem.certificates(dir.resolve("missing.crt"), "MESHGATE_X_CA_FILE"))
        .hasMessageContaining("MESHGATE_X_CA_FILE: no file");
    Path garbage = write("garbage.crt", "-----BEGIN CERTIFICATE-----\nnot base64!\n");
    assertThatThrownBy(() -> Pem.certificates(garbage, "MESHGATE_X_CA_FILE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MESHGATE_X_CA_FILE");
  }
}
