package io.meshgate.policy.clientauth;

import io.meshgate.chain.InvalidPolicyConfigException;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;

/**
 * The CAs an API trusts for client certificates ({@code certificateAuthorities} of {@code
 * client-auth}): a chain is accepted when the JDK's PKIX validation builds it from the client's
 * certificates to one of them, every certificate valid at the call's time. Revocation is what the
 * gateway's own credentials say (revoke the app's registration), not CRLs or OCSP.
 */
final class CertificateAuthorities {
  private final Set<TrustAnchor> anchors;

  private CertificateAuthorities(Set<TrustAnchor> anchors) {
    this.anchors = anchors;
  }

  /** Reads a PEM bundle, or says what is wrong with it (a 400 on the API's change). */
  static CertificateAuthorities parse(String pem) {
    Set<TrustAnchor> anchors = new HashSet<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          X509Certificate ca = converter.getCertificate(holder);
          if (ca.getBasicConstraints() < 0) {
            throw new InvalidPolicyConfigException(
                "certificateAuthorities: "
                    + ca.getSubjectX500Principal().getName()
                    + " is not a CA certificate");
          }
          anchors.add(new TrustAnchor(ca, null));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      if (e instanceof InvalidPolicyConfigException invalid) {
        throw invalid;
      }
      throw new InvalidPolicyConfigException("certificateAuthorities: is not a PEM bundle");
    }
    if (anchors.isEmpty()) {
      throw new InvalidPolicyConfigException(
          "certificateAuthorities: holds no certificate (-----BEGIN CERTIFICATE-----)");
    }
    return new CertificateAuthorities(Set.copyOf(anchors));
  }

  /**
   * Whether the client's chain (leaf first) leads to one of these CAs and is valid at {@code now}.
   */
  boolean trust(X509Certificate[] chain, Instant now) {
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      // The client's own copy of a trusted root, if it sent one, is not part of the path.
      List<X509Certificate> path =
          java.util.Arrays.stream(chain)
              .filter(c -> anchors.stream().noneMatch(a -> a.getTrustedCert().equals(c)))
              .toList();
      if (path.isEmpty()) {
        return false;
      }
      CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), params);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
