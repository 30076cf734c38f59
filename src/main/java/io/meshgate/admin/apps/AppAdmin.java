package io.meshgate.admin.apps;

import io.meshgate.admin.NewSecrets;
import io.meshgate.admin.Page;
import io.meshgate.admin.RequestValidator;
import io.meshgate.admin.audit.AuditLog;
import io.meshgate.admin.error.AdminException;
import io.meshgate.catalog.app.AppEntity;
import io.meshgate.catalog.app.AppState;
import io.meshgate.catalog.app.CredentialEntity;
import io.meshgate.catalog.sync.CatalogChange;
import io.meshgate.support.SecretDigester;
import io.meshgate.support.tls.CertificateNames;
import io.meshgate.support.tls.Thumbprints;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Use cases of apps and their credentials. Every write is audited (without secrets). */
@ApplicationScoped
@Transactional
public class AppAdmin {
  public static final String APP_NOT_FOUND = "APP_NOT_FOUND";
  public static final String CREDENTIAL_NOT_FOUND = "CREDENTIAL_NOT_FOUND";
  public static final String CERTIFICATE_REGISTERED = "CERTIFICATE_ALREADY_REGISTERED";
  public static final String APP_NAME_TAKEN = "APP_NAME_TAKEN";
  public static final String APP_CLIENT_ID_TAKEN = "APP_CLIENT_ID_TAKEN";
  public static final String APP_STATE_CONFLICT = "APP_STATE_CONFLICT";

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject RequestValidator validator;
  @Inject SecretDigester digester;
  @Inject AuditLog audit;
  @Inject Clock clock;

  public AppViews.Created create(String actor, AppRequest request) {
    validator.check(request);
    String clientId = request.clientId() == null ? "app-" + NewSecrets.id() : request.clientId();
    if (count("a.name", request.name()) > 0) {
      throw AdminException.conflict(APP_NAME_TAKEN, "An app named " + request.name() + " exists");
    }
    if (count("a.clientId", clientId) > 0) {
      throw AdminException.conflict(
          APP_CLIENT_ID_TAKEN, "An app with client id " + clientId + " exists");
    }
    Instant now = clock.instant();
    String secret = NewSecrets.secret();
    String key = NewSecrets.secret();
    AppEntity app = new AppEntity(request.name(), clientId, digester.digestHex(secret), now);
    app.setOwner(request.owner());
    CredentialEntity credential =
        app.addApiKey(digester.digestHex(key), NewSecrets.prefix(key), null, now);
    em.persist(app);
    em.flush();
    audit.write(
        actor,
        "app.create",
        "app",
        app.getId(),
        null,
        view(app),
        CatalogChange.app(app.getId(), app.getClientId()));
    return new AppViews.Created(
        app.getId(),
        app.getName(),
        app.getOwner(),
        app.getClientId(),
        secret,
        state(app),
        newKey(credential, key),
        now);
  }

  public AppViews.App get(long id) {
    return view(find(id));
  }

  public Page<AppViews.App> list(String name, Page.Request page) {
    String where =
        name == null || name.isBlank() ? "" : " where locate(lower(:n), lower(a.name)) > 0";
    var count = em.createQuery("select count(a) from AppEntity a" + where, Long.class);
    var select =
        em.createQuery("select a from AppEntity a" + where + " order by a.id", AppEntity.class);
    if (!where.isEmpty()) {
      count.setParameter("n", name);
      select.setParameter("n", name);
    }
    return new Page<>(
        select
            .setFirstResult(page.offset())
            .setMaxResults(page.size())
            .getResultStream()
            .map(AppAdmin::view)
            .toList(),
        page.page(),
        page.size(),
        count.getSingleResult());
  }

  /** The apps of one owner (a portal developer), oldest first, at most {@code max}. */
  public List<AppViews.App> listByOwner(String owner, int max) {
    return em.createQuery(
            "select a from AppEntity a where a.owner = :o order by a.id", AppEntity.class)
        .setParameter("o", owner)
        .setMaxResults(max)
        .getResultStream()
        .map(AppAdmin::view)
        .toList();
  }

  /** How many apps one owner has. */
  public long countByOwner(String owner) {
    return em.createQuery("select count(a) from AppEntity a where a.owner = :o", Long.class)
        .setParameter("o", owner)
        .getSingleResult();
  }

  public AppViews.App changeState(String actor, long id, AppState state) {
    AppEntity app = find(id);
    if (app.getState() == state) {
      throw AdminException.conflict(
          APP_STATE_CONFLICT, "App " + app.getName() + " is already " + state(app));
    }
    AppViews.App before = view(app);
    app.setState(state);
    em.flush();
    AppViews.App after = view(app);
    audit.write(
        actor,
        state == AppState.SUSPENDED ? "app.suspend" : "app.reactivate",
        "app",
        id,
        before,
        after,
        CatalogChange.app(id, app.getClientId()));
    return after;
  }

  public void delete(String actor, long id) {
    AppEntity app = find(id);
    AppViews.App before = view(app);
    // Subscriptions go with the app (on delete cascade in the schema).
    em.createQuery("delete from SubscriptionEntity s where s.app = :a")
        .setParameter("a", app)
        .executeUpdate();
    em.remove(app);
    em.flush();
    audit.write(
        actor, "app.delete", "app", id, before, null, CatalogChange.app(id, before.clientId()));
  }

  public AppViews.NewKey addKey(String actor, long appId, CredentialRequest request) {
    validator.check(request);
    AppEntity app = find(appId);
    Instant now = clock.instant();
    String key = NewSecrets.secret();
    CredentialEntity credential =
        app.addApiKey(digester.digestHex(key), NewSecrets.prefix(key), request.expiresAt(), now);
    created(actor, app, credential, request.label());
    return newKey(credential, key);
  }

  /**
   * Registers a client certificate for an app (by PEM or thumbprint). An app may hold several, so a
   * certificate can be rotated with overlap: register the new one, move the clients, revoke the old
   * one. A certificate registered for any app already is refused (409).
   */
  public AppViews.NewCertificate addCertificate(
      String actor, long appId, CredentialRequest request) {
    validator.check(request);
    int given =
        (request.certificate() != null ? 1 : 0)
            + (request.certificateSha256() != null ? 1 : 0)
            + (request.certificateSubject() != null ? 1 : 0)
            + (request.certificateSan() != null ? 1 : 0);
    if (given != 1) {
      throw AdminException.invalid(
          "certificate",
          "give exactly one of certificate, certificateSha256, certificateSubject, certificateSan");
    }
    String name;
    String prefix;
    String subject = null;
    String thumbprint = null;
    Instant expiresAt = request.expiresAt();
    if (request.certificate() != null) {
      X509Certificate cert = parseCertificate(request.certificate());
      thumbprint = Thumbprints.hex(Thumbprints.sha256(cert));
      subject = cert.getSubjectX500Principal().getName();
      if (subject.length() > 1000) {
        throw AdminException.invalid("certificate", "has a subject over 1000 characters");
      }
      Instant notAfter = cert.getNotAfter().toInstant();
      if (!notAfter.isAfter(clock.instant())) {
        throw AdminException.invalid("certificate", "has expired (notAfter " + notAfter + ")");
      }
      if (Thumbprints.weakKey(cert.getPublicKey()) != null) {
        throw AdminException.invalid(
            "certificate", "has a weak key: " + Thumbprints.weakKey(cert.getPublicKey()));
      }
      expiresAt = expiresAt == null || notAfter.isBefore(expiresAt) ? notAfter : expiresAt;
      name = Thumbprints.CREDENTIAL_PREFIX + thumbprint;
      prefix = thumbprint.substring(0, 16);
    } else if (request.certificateSha256() != null) {
      thumbprint = Thumbprints.normalizeHex(request.certificateSha256());
      name = Thumbprints.CREDENTIAL_PREFIX + thumbprint;
      prefix = thumbprint.substring(0, 16);
    } else if (request.certificateSubject() != null) {
      try {
        name = CertificateNames.subject(request.certificateSubject());
      } catch (IllegalArgumentException e) {
        throw AdminException.invalid(
            "certificateSubject", "is not a distinguished name (CN=...,O=...)");
      }
      subject = request.certificateSubject();
      prefix = "subject";
    } else {
      if (request.certificateSan().isBlank()) {
        throw AdminException.invalid("certificateSan", "must not be blank");
      }
      name = CertificateNames.san(request.certificateSan());
      subject = "SAN " + request.certificateSan().trim();
      prefix = "san";
    }
    String digest = digester.digestHex(name);
    if (em.createQuery("select count(c) from CredentialEntity c where c.keyDigest = :d", Long.class)
            .setParameter("d", digest)
            .getSingleResult()
        > 0) {
      throw AdminException.conflict(
          CERTIFICATE_REGISTERED, "This client certificate is registered already");
    }
    AppEntity app = find(appId);
    Instant now = clock.instant();
    CredentialEntity credential = app.addCertificate(digest, prefix, subject, expiresAt, now);
    created(actor, app, credential, request.label());
    return new AppViews.NewCertificate(
        credential.getId(),
        credential.getKind(),
        thumbprint,
        credential.getKeyPrefix(),
        credential.getLabel(),
        subject,
        credential.getCreatedAt(),
        credential.getExpiresAt());
  }

  /** Labels, stores and audits a new credential of {@code app}. */
  private void created(String actor, AppEntity app, CredentialEntity credential, String label) {
    credential.setLabel(label);
    em.flush();
    audit.write(
        actor,
        "credential.create",
        "credential",
        credential.getId(),
        null,
        view(credential),
        CatalogChange.credential(credential.getId(), app.getId(), app.getClientId()));
  }

  private static X509Certificate parseCertificate(String pem) {
    try (var parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
          return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
              .getCertificate(holder);
        }
      }
    } catch (java.io.IOException | java.security.cert.CertificateException | RuntimeException e) {
      throw AdminException.invalid("certificate", "is not a PEM certificate");
    }
    throw AdminException.invalid(
        "certificate", "holds no certificate (-----BEGIN CERTIFICATE-----)");
  }

  public List<AppViews.Credential> credentials(long appId) {
    return find(appId).getCredentials().stream()
        .sorted(Comparator.comparing(CredentialEntity::getId))
        .map(AppAdmin::view)
        .toList();
  }

  /** Revokes an API key; revoking a revoked key changes nothing. */
  public AppViews.Credential revoke(String actor, long appId, long credentialId) {
    AppEntity app = find(appId);
    CredentialEntity credential =
        app.getCredentials().stream()
            .filter(c -> c.getId() == credentialId)
            .findFirst()
            .orElseThrow(
                () -> AdminException.notFound(CREDENTIAL_NOT_FOUND, "credential", credentialId));
    if (credential.getRevokedAt() != null) {
      return view(credential);
    }
    AppViews.Credential before = view(credential);
    credential.revoke(clock.instant());
    em.flush();
    AppViews.Credential after = view(credential);
    audit.write(
        actor,
        "credential.revoke",
        "credential",
        credentialId,
        before,
        after,
        CatalogChange.credential(credentialId, appId, app.getClientId()));
    return after;
  }

  private long count(String field, String value) {
    return em.createQuery("select count(a) from AppEntity a where " + field + " = :v", Long.class)
        .setParameter("v", value)
        .getSingleResult();
  }

  private AppEntity find(long id) {
    AppEntity app = em.find(AppEntity.class, id);
    if (app == null) {
      throw AdminException.notFound(APP_NOT_FOUND, "app", id);
    }
    return app;
  }

  private static String state(AppEntity app) {
    return app.getState().name().toLowerCase(Locale.ROOT);
  }

  private static AppViews.NewKey newKey(CredentialEntity c, String key) {
    return new AppViews.NewKey(
        c.getId(), key, c.getKeyPrefix(), c.getLabel(), c.getCreatedAt(), c.getExpiresAt());
  }

  static AppViews.App view(AppEntity app) {
    return new AppViews.App(
        app.getId(),
        app.getName(),
        app.getOwner(),
        app.getClientId(),
        state(app),
        app.getCredentials().stream()
            .sorted(Comparator.comparing(CredentialEntity::getId))
            .map(AppAdmin::view)
            .toList(),
        app.getCreatedAt());
  }

  static AppViews.Credential view(CredentialEntity c) {
    return new AppViews.Credential(
        c.getId(),
        c.getKind(),
        c.getKeyPrefix(),
        c.getLabel(),
        c.getSubject(),
        c.getCreatedAt(),
        c.getExpiresAt(),
        c.getRevokedAt());
  }
}
