package io.meshgate.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge's certificate directory: layouts, host names, the default, and clear refusals. */
class EdgeCertificatesTest {
  private static final TestPki.Ca CA = TestPki.ca("edge unit CA");

  @TempDir Path dir;

  private TestPki.Issued install(String name, TestPki.Issued issued) throws IOException {
    Path d = name == null ? dir : dir.resolve(name);
    Files.createDirectories(d);
    issued.writeTo(d, "tls");
    return issued;
  }

  @Test
  void eachSubdirectoryServesItsSubjectAlternativeNames() throws IOException {
    TestPki.Issued api = install("api", CA.issue("api", "api.example.com"));
    TestPki.Issued partners = install("partners", CA.issue("p", "*.partners.example.com"));
    TestPki.Issued fallback = install("zz-fallback", CA.issue("fallback", "localhost"));
    Files.createDirectories(dir.resolve("..data")); // Kubernetes' bookkeeping is skipped

    EdgeCertificates certs = EdgeCertificates.load(dir, "zz-fallback", true);

    assertThat(certs.entries())
        .extracting(EdgeCertificates.Entry::name)
        .containsExactly("api", "partners", "zz-fallback");
    assertThat(certs.forHost("api.example.com")).isSameAs(certs.entries().get(0).context());
    assertThat(certs.forHost("a.partners.example.com")).isSameAs(certs.entries().get(1).context());
    assertThat(certs.forHost("partners.example.com")).isSameAs(certs.entries().get(2).context());
    assertThat(certs.forHost(null)).isSameAs(certs.entries().get(2).context());
    assertThat(certs.defaultEntry().leaf()).isEqualTo(fallback.cert());
    assertThat(certs.entries().get(0).leaf()).isEqualTo(api.cert());
    assertThat(certs.entries().get(1).leaf()).isEqualTo(partners.cert());
  }

  @Test
  void withoutADefaultTheFirstSubdirectoryByNameIsIt() throws IOException {
    install("b", CA.issue("b", "b.example.com"));
    TestPki.Issued a = install("a", CA.issue("a", "a.example.com"));
    assertThat(EdgeCertificates.load(dir, null, false).defaultEntry().leaf()).isEqualTo(a.cert());
  }

  @Test
  void aDirectoryHoldingTlsCrtIsOneCertificate() throws IOException {
    TestPki.Issued only = install(null, CA.issue("only", "only.example.com"));
    EdgeCertificates certs = EdgeCertificates.load(dir, null, true);
    assertThat(certs.entries()).hasSize(1);
    assertThat(certs.defaultEntry().leaf()).isEqualTo(only.cert());
    assertThat(certs.defaultEntry().hosts()).containsExactly("only.example.com");
  }

  @Test
  void aCertificateWithoutSubjectAlternativeNamesServesItsCommonName() throws IOException {
    install("cn", CA.issue("legacy.example.com"));
    assertThat(EdgeCertificates.load(dir, null, true).defaultEntry().hosts())
        .containsExactly("legacy.example.com");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedNamingTheFile() throws IOException {
    install("api", CA.issue("api", "api.example.com"));
    Path key = dir.resolve("api/tls.key");
    Files.delete(key);
    TestPki.Issued stranger = CA.issue("stranger");
    Path tmp = Files.createTempDirectory("k");
    stranger.writeTo(tmp, "tls");
    Files.move(tmp.resolve("tls.key"), key);
    assertThatThrownBy(() -> EdgeCertificates.load(dir, null, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("api/tls.key")
        .hasMessageContaining("is not the key of its tls.crt");
  }

  @Test
  void missingFilesAndAnUnknownDefaultAreRefusedClearly() throws IOException {
    assertThatThrownBy(() -> EdgeCertificates.load(dir.resolve("nope"), null, true))
        .hasMessageContaining("MESHGATE_TLS_CERT_DIR: no directory");
    assertThatThrownBy(() -> EdgeCertificates.load(dir, null, true))
        .hasMessageContaining("holds neither tls.crt/tls.key nor subdirectories");
    install("api", CA.issue("api", "api.example.com"));
    assertThatThrownBy(() -> EdgeCertificates.load(dir, "fallback", true))
        .hasMessageContaining("MESHGATE_TLS_DEFAULT_CERT: no certificate named 'fallback'")
        .hasMessageContaining("(there are: api)");
    Files.createDirectories(dir.resolve("broken"));
    Files.writeString(dir.resolve("broken/tls.crt"), "not a certificate");
    assertThatThrownBy(() -> EdgeCertificates.load(dir, null, true)).hasMessageContaining("broken");
  }

  @Test
  void theStampChangesWithAnyByteOfTheFiles() throws IOException {
    install("api", CA.issue("api", "api.example.com"));
    String before = EdgeCertificates.stamp(dir);
    assertThat(EdgeCertificates.stamp(dir)).isEqualTo(before);
    install("api", CA.issue("api", "api.example.com"));
    assertThat(EdgeCertificates.stamp(dir)).isNotEqualTo(before);
  }
}
