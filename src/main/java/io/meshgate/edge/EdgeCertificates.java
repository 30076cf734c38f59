package io.meshgate.edge;

import io.meshgate.support.tls.Pem;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.net.IDN;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import javax.net.ssl.SSLException;
import javax.security.auth.x500.X500Principal;

/**
 * The edge's server certificates, read from a directory laid out the way Kubernetes mounts TLS
 * secrets: either the directory itself holds {@code tls.crt} and {@code tls.key} (one certificate),
 * or each subdirectory does (one certificate per subdirectory, named after it). A certificate
 * serves the DNS names of its subject alternative names (exact, or {@code *.example.com} for one
 * label); a client without SNI, or asking for a name no certificate has, gets the default one
 * ({@code MESHGATE_TLS_DEFAULT_CERT}, else the first subdirectory by name).
 */
public final class EdgeCertificates {
  static final String CERT_FILE = "tls.crt";
  static final String KEY_FILE = "tls.key";

  /**
   * TLS 1.3's suites and TLS 1.2's AEAD suites with forward secrecy; the JDK drops what it lacks.
   * No CBC, no RSA key exchange, no SHA-1 MAC.
   */
  static final List<String> CIPHERS =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** One loaded certificate: where it came from, what it serves. */
  public record Entry(String name, X509Certificate leaf, Set<String> hosts, SslContext context) {}

  private final List<Entry> entries;
  private final Entry defaultEntry;
  private final Mapping<String, SslContext> mapping;

  private EdgeCertificates(List<Entry> entries, Entry defaultEntry) {
    this.entries = List.copyOf(entries);
    this.defaultEntry = defaultEntry;
    DomainWildcardMappingBuilder<SslContext> builder =
        new DomainWildcardMappingBuilder<>(defaultEntry.context());
    for (Entry e : entries) {
      for (String host : e.hosts()) {
        builder.add(host, e.context());
      }
    }
    this.mapping = builder.build();
  }

  /**
   * Reads every certificate under {@code dir}.
   *
   * @param defaultName the subdirectory whose certificate clients without SNI get, or null
   * @param requestClientCertificates whether the handshake asks clients for a certificate
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static EdgeCertificates load(
      Path dir, String defaultName, boolean requestClientCertificates) {
    TreeMap<String, Path> sources = sources(dir);
    List<Entry> entries = new ArrayList<>();
    for (var source : sources.entrySet()) {
      entries.add(entry(source.getKey(), source.getValue(), requestClientCertificates));
    }
    Entry fallback = entries.get(0);
    if (defaultName != null && !defaultName.isBlank()) {
      fallback =
          entries.stream()
              .filter(e -> e.name().equals(defaultName))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "MESHGATE_TLS_DEFAULT_CERT: no certificate named '"
                              + defaultName
                              + "' under "
                              + dir
                              + " (there are: "
                              + String.join(", ", sources.keySet())
                              + ")"));
    }
    return new EdgeCertificates(entries, fallback);
  }

  /** The certificate directories by name: the directory itself, or its subdirectories. */
  private static TreeMap<String, Path> sources(Path dir) {
    TreeMap<String, Path> sources = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("MESHGATE_TLS_CERT_DIR: no directory " + dir);
    }
    if (Files.exists(dir.resolve(CERT_FILE))) {
      sources.put(dir.getFileName() == null ? "default" : dir.getFileName().toString(), dir);
      return sources;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        // Kubernetes' own bookkeeping (..data, ..2026_12_06...) is not a certificate.
        if (!name.startsWith(".") && Files.isDirectory(child)) {
          sources.put(name, child);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("MESHGATE_TLS_CERT_DIR: cannot list " + dir, e);
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(
          "MESHGATE_TLS_CERT_DIR: "
              + dir
              + " holds neither tls.crt/tls.key nor subdirectories that hold them");
    }
    return sources;
  }

  private static Entry entry(String name, Path dir, boolean requestClientCertificates) {
    String setting = "MESHGATE_TLS_CERT_DIR (" + name + ")";
    List<X509Certificate> chain = Pem.certificates(dir.resolve(CERT_FILE), setting);
    PrivateKey key = Pem.privateKey(dir.resolve(KEY_FILE), setting);
    X509Certificate leaf = chain.get(0);
    Pem.requireKeyOf(
        leaf, key, setting + ": " + dir.resolve(KEY_FILE) + " is not the key of its tls.crt");
    SslContextBuilder builder =
        SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
            .sslProvider(SslProvider.JDK)
            .protocols(PROTOCOLS)
            .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2,
                    ApplicationProtocolNames.HTTP_1_1));
    if (requestClientCertificates) {
      builder.clientAuth(ClientAuth.OPTIONAL).trustManager(new AnyClientCertificate());
    }
    try {
      return new Entry(name, leaf, hosts(leaf), builder.build());
    } catch (SSLException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
  }

  /** The DNS names of a certificate's subject alternative names, else its subject's CN. */
  static Set<String> hosts(X509Certificate cert) {
    Set<String> hosts = new LinkedHashSet<>();
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> n : names) {
          if (Integer.valueOf(2).equals(n.get(0)) && n.get(1) instanceof String dns) {
            hosts.add(IDN.toASCII(dns).toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException | IllegalArgumentException e) {
      // No usable SAN: fall back to the CN below.
    }
    if (hosts.isEmpty()) {
      String cn = commonName(cert.getSubjectX500Principal());
      if (cn != null) {
        hosts.add(cn.toLowerCase(Locale.ROOT));
      }
    }
    return hosts;
  }

  private static String commonName(X500Principal subject) {
    try {
      for (var rdn : new javax.naming.ldap.LdapName(subject.getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      return null;
    }
    return null;
  }

  /** The TLS context for a client's SNI host name (null: none sent). */
  public SslContext forHost(String host) {
    return mapping.map(host);
  }

  /** Every loaded certificate. */
  public List<Entry> entries() {
    return entries;
  }

  /** The certificate clients without SNI get. */
  public Entry defaultEntry() {
    return defaultEntry;
  }

  /**
   * What the files under {@code dir} hold now: a change of any byte (or of which files there are)
   * changes it. Kubernetes replaces a mounted secret by swapping a symlink, so contents, not
   * timestamps, are compared.
   */
  public static String stamp(Path dir) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (var source : sources(dir).entrySet()) {
        digest.update(source.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String file : List.of(CERT_FILE, KEY_FILE)) {
          Path p = source.getValue().resolve(file);
          digest.update(Files.exists(p) ? Files.readAllBytes(p) : new byte[0]);
          digest.update((byte) 0);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException | IllegalArgumentException e) {
      return "unreadable: " + e.getMessage();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
