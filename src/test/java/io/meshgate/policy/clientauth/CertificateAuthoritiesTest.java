package io.meshgate.policy.clientauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.support.tls.CertificateNames;
import io.meshgate.testing.TestPki;
import java.io.IOException;
import java.io.StringWriter;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

/** An API's trusted CAs and the names a certificate can be registered by. */
class CertificateAuthoritiesTest {
  private static final TestPki.Ca PARTNER = TestPki.ca("partner CA");
  private static final TestPki.Ca OTHER = TestPki.ca("other CA");

  private static String pem(X509Certificate... certs) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (X509Certificate c : certs) {
        w.writeObject(c);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  @Test
  void aChainToATrustedCaIsTrustedOthersAreNot() {
    CertificateAuthorities cas = CertificateAuthorities.parse(pem(PARTNER.cert()));
    Instant now = Instant.now();
    X509Certificate leaf = PARTNER.issue("billing").cert();
    assertThat(cas.trust(new X509Certificate[] {leaf}, now)).isTrue();
    // The client may send the root along; it changes nothing.
    assertThat(cas.trust(new X509Certificate[] {leaf, PARTNER.cert()}, now)).isTrue();
    assertThat(cas.trust(new X509Certificate[] {OTHER.issue("billing").cert()}, now)).isFalse();
    assertThat(cas.trust(new X509Certificate[] {PARTNER.cert()}, now)).isFalse();
    assertThat(cas.trust(new X509Certificate[] {leaf}, now.plus(Duration.ofDays(3)))).isFalse();
  }

  @Test
  void aBundleThatIsNotOneOfCaCertificatesIsRefused() {
    assertThatThrownBy(() -> CertificateAuthorities.parse("nope"))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessageContaining("certificateAuthorities");
    assertThatThrownBy(() -> CertificateAuthorities.parse(pem(PARTNER.issue("leaf").cert())))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessageContaining("is not a CA certificate");
  }

  @Test
  void namesAreTheCanonicalSubjectAndTheSans() {
    X509Certificate cert = PARTNER.issue("Billing Service", "Ledger.Acme.Internal").cert();
    assertThat(CertificateNames.of(cert))
        .containsExactly(
            CertificateNames.subject("cn = billing  service"),
            CertificateNames.san("ledger.acme.internal"));
    assertThat(CertificateNames.subject("CN=billing,O=Acme"))
        .isNotEqualTo(CertificateNames.san("CN=billing,O=Acme"));
  }
}
