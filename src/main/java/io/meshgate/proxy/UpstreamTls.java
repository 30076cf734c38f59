package io.meshgate.proxy;

import io.meshgate.support.Problem;
import io.meshgate.support.tls.Pem;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * TLS towards upstreams outside the mesh (an {@code https} upstream URL). Inside the mesh the
 * sidecar's mutual TLS is the default and none of this is needed. With {@code
 * MESHGATE_UPSTREAM_CA_FILE} the upstream's certificate must chain to one of those CAs (and only
 * those); with {@code MESHGATE_UPSTREAM_CLIENT_CERT_FILE} and {@code ..._KEY_FILE} the gateway
 * presents that certificate. The host name is always verified. The files are read again when they
 * change (a Kubernetes secret update), for new connections; a change that cannot be read keeps the
 * previous material and says why.
 */
@ApplicationScoped
public class UpstreamTls {
  static final String UNTRUSTED = "UPSTREAM_TLS_UNTRUSTED";
  static final String HOSTNAME = "UPSTREAM_TLS_HOSTNAME_MISMATCH";
  static final String FAILED = "UPSTREAM_TLS_FAILED";
  private static final Logger LOG = Logger.getLogger(UpstreamTls.class.getName());
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  @Inject
  @ConfigProperty(name = "meshgate.upstream.ca-file")
  Optional<String> caFile;

  @Inject
  @ConfigProperty(name = "meshgate.upstream.client-cert-file")
  Optional<String> certFile;

  @Inject
  @ConfigProperty(name = "meshgate.upstream.client-key-file")
  Optional<String> keyFile;

  @Inject
  @ConfigProperty(name = "meshgate.upstream.tls-reload-seconds", defaultValue = "5")
  long reloadSeconds;

  @Resource ManagedScheduledExecutorService scheduler;

  private volatile TlsSocketStrategy current;
  private List<String> loadedStamp;
  private String failedStamp;
  private ScheduledFuture<?> watching;

  /** Starts with the application, so unusable TLS files stop the start with their reason. */
  void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
    // nothing to do: observing the event makes the container create the bean, which runs init()
  }

  @PostConstruct
  void init() {
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException(
          "MESHGATE_UPSTREAM_CLIENT_CERT_FILE and MESHGATE_UPSTREAM_CLIENT_KEY_FILE go together");
    }
    if (!configured()) {
      // The JVM's CAs, no client certificate, but the same checks and error keys as below.
      current = load();
      return;
    }
    if (reloadSeconds < 1) {
      throw new IllegalArgumentException(
          "meshgate.upstream.tls-reload-seconds must be at least 1 (was " + reloadSeconds + ")");
    }
    loadedStamp = stamp();
    current = load(); // a start with unreadable material fails, with the reason
    LOG.info("MESHGATE-UPSTREAM-TLS: " + describe());
    watching =
        scheduler.scheduleWithFixedDelay(
            this::reloadIfChanged, reloadSeconds, reloadSeconds, TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    if (watching != null) {
      watching.cancel(false);
    }
  }

  private boolean configured() {
    return caFile.isPresent() || certFile.isPresent();
  }

  /**
   * The TLS strategy for the upstream connection pool ({@code null} only outside a container). New
   * connections use the latest material.
   */
  TlsSocketStrategy strategy() {
    if (current == null) {
      return null;
    }
    return new TlsSocketStrategy() {
      @Override
      public SSLSocket upgrade(
          Socket socket, String target, int port, Object attachment, HttpContext context)
          throws IOException {
        return current.upgrade(socket, target, port, attachment, context);
      }
    };
  }

  private TlsSocketStrategy load() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile.isPresent()) {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int i = 0;
        for (X509Certificate ca :
            Pem.certificates(Path.of(caFile.get()), "MESHGATE_UPSTREAM_CA_FILE")) {
          trusted.setCertificateEntry("ca-" + i++, ca);
        }
        tmf.init(trusted);
      } else {
        tmf.init((KeyStore) null);
      }
      KeyManagerFactory kmf = null;
      if (certFile.isPresent()) {
        List<X509Certificate> chain =
            Pem.certificates(Path.of(certFile.get()), "MESHGATE_UPSTREAM_CLIENT_CERT_FILE");
        PrivateKey key =
            Pem.privateKey(Path.of(keyFile.get()), "MESHGATE_UPSTREAM_CLIENT_KEY_FILE");
        Pem.requireKeyOf(
            chain.get(0),
            key,
            "MESHGATE_UPSTREAM_CLIENT_KEY_FILE is not the key of MESHGATE_UPSTREAM_CLIENT_CERT_FILE");
        char[] password = new char[0];
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("client", key, password, chain.toArray(X509Certificate[]::new));
        kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(identity, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return new DefaultClientTlsStrategy(
          context,
          PROTOCOLS,
          null,
          SSLBufferMode.STATIC,
          HostnameVerificationPolicy.CLIENT,
          new DefaultHostnameVerifier());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("Upstream TLS: " + e.getMessage(), e);
    }
  }

  /** Which files, where they point (a secret update swaps a symlink), when they were written. */
  private List<String> stamp() {
    List<String> stamp = new ArrayList<>();
    for (Optional<String> f : List.of(caFile, certFile, keyFile)) {
      if (f.isPresent()) {
        Path p = Path.of(f.get());
        try {
          stamp.add(p.toRealPath() + "@" + Files.getLastModifiedTime(p) + "#" + Files.size(p));
        } catch (IOException e) {
          stamp.add(p + " unreadable");
        }
      }
    }
    return stamp;
  }

  synchronized void reloadIfChanged() {
    List<String> now = stamp();
    if (now.equals(loadedStamp)) {
      return;
    }
    try {
      current = load();
      loadedStamp = now;
      failedStamp = null;
      LOG.info("MESHGATE-UPSTREAM-TLS: files changed, new connections use them: " + describe());
    } catch (RuntimeException e) {
      if (!now.toString().equals(failedStamp)) {
        failedStamp = now.toString();
        LOG.log(
            Level.WARNING,
            "MESHGATE-UPSTREAM-TLS: the changed files cannot be used, the previous ones stay: "
                + e.getMessage());
      }
    }
  }

  private String describe() {
    return (caFile
            .map(f -> "upstream certificates must chain to the CAs in " + f)
            .orElse("upstream certificates must chain to the JVM's trusted CAs"))
        + certFile.map(f -> "; the gateway presents the client certificate " + f).orElse("");
  }

  private static final java.util.concurrent.atomic.AtomicLong LAST_LOGGED =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(2));

  /**
   * The problem for a failed TLS handshake with an upstream: 502 with why, in words that do not
   * reveal the upstream's names to the client. The full reason goes to the log (at most once a
   * minute, so a broken upstream cannot flood it).
   */
  static Problem problem(SSLException e) {
    Problem p = classify(e);
    long last = LAST_LOGGED.get();
    if (System.nanoTime() - last > TimeUnit.MINUTES.toNanos(1)
        && LAST_LOGGED.compareAndSet(last, System.nanoTime())) {
      LOG.warning("MESHGATE-UPSTREAM-TLS: " + p.errorKey() + ": " + e);
    }
    return p;
  }

  private static Problem classify(SSLException e) {
    if (e instanceof SSLPeerUnverifiedException) {
      return new Problem(502, HOSTNAME, "The upstream's certificate does not name its host");
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException
          || t instanceof CertificateNotYetValidException) {
        return new Problem(
            502, UNTRUSTED, "The upstream's certificate is expired or not yet valid");
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        return new Problem(
            502, UNTRUSTED, "The upstream's certificate is not issued by a CA the gateway trusts");
      }
    }
    return new Problem(502, FAILED, "The TLS handshake with the upstream failed");
  }
}
