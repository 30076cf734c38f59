package io.meshgate.support.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * The names a client certificate can be registered by when an API trusts its CA: its subject DN
 * (compared in X.500's canonical form, so spacing and case of attribute names do not matter) and
 * the DNS names, URIs and e-mail addresses of its subject alternative names. Each name is the input
 * of a credential's keyed digest, prefixed by its kind, so a subject can never be confused with a
 * SAN, a thumbprint or an API key.
 */
public final class CertificateNames {
  static final String SUBJECT = "x509-subject:";
  static final String SAN = "x509-san:";

  private CertificateNames() {}

  /**
   * The credential input for a subject DN as people write it ({@code CN=billing,O=Acme}).
   *
   * @throws IllegalArgumentException when it is not a distinguished name
   */
  public static String subject(String dn) {
    return SUBJECT + new X500Principal(dn).getName(X500Principal.CANONICAL);
  }

  /**
   * The credential input for a subject alternative name: a DNS name, a URI (for example a SPIFFE
   * id) or an e-mail address, compared exactly (DNS names without case).
   */
  public static String san(String value) {
    String v = value.trim();
    boolean dns = v.matches("[A-Za-z0-9.*-]+") && v.contains(".");
    return SAN + (dns ? v.toLowerCase(Locale.ROOT) : v);
  }

  /** Every credential input this certificate answers to: its subject, then its SANs. */
  public static List<String> of(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    names.add(SUBJECT + cert.getSubjectX500Principal().getName(X500Principal.CANONICAL));
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          Object type = san.get(0);
          // 1 rfc822Name, 2 dNSName, 6 uniformResourceIdentifier
          if ((Integer.valueOf(1).equals(type)
                  || Integer.valueOf(2).equals(type)
                  || Integer.valueOf(6).equals(type))
              && san.get(1) instanceof String value) {
            names.add(san(value));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // An unreadable SAN extension: the subject alone.
    }
    return names;
  }
}
