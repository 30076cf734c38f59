package io.meshgate.token;

import io.meshgate.support.ServerSecrets;
import io.meshgate.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * The gateway's signing keys, kept in the database so every replica signs with the same key and
 * serves the same JWKS. On first start with no key, one is generated (ES256 unless configured
 * otherwise) and stored with its private part sealed under the key-encryption key. Which key signs
 * and which are in the JWKS follows from the instants stored with the keys ({@link KeyLifecycle}),
 * so every replica switches at the same instant.
 */
@ApplicationScoped
public class SigningKeys {
  private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject ServerSecrets secrets;
  @Inject Clock clock;

  @Inject KeySettings settings;
  @Inject Telemetry telemetry;

  private static final AttributeKey<String> STATE = AttributeKey.stringKey("state");
  private static final AttributeKey<String> KID = AttributeKey.stringKey("kid");
  private LongCounter transitions =
      OpenTelemetry.noop().getMeter(SigningKeys.class.getName()).counterBuilder("none").build();

  /**
   * {@code meshgate_signing_keys{state}}, {@code meshgate_signing_key_retirement_seconds{kid}},
   * {@code meshgate_signing_key_active_age_seconds} and {@code
   * meshgate_signing_key_transitions_total{from,to}}, as this replica sees the keys.
   */
  @PostConstruct
  void metrics() {
    if (telemetry == null) {
      return;
    }
    Meter meter = telemetry.meter();
    transitions =
        meter
            .counterBuilder("meshgate.signing_key.transitions")
            .setDescription("Signing key state changes seen by this replica, by from and to state")
            .setUnit("{transition}")
            .build();
    meter
        .gaugeBuilder("meshgate.signing_keys")
        .ofLongs()
        .setDescription("Signing keys per state")
        .setUnit("{key}")
        .buildWithCallback(
            m -> {
              java.util.Map<SigningKeyState, Long> counts =
                  new java.util.EnumMap<>(SigningKeyState.class);
              for (SigningKeyState s : SigningKeyState.values()) {
                counts.put(s, 0L);
              }
              current()
                  .evaluation()
                  .statuses()
                  .values()
                  .forEach(k -> counts.merge(k.state(), 1L, Long::sum));
              counts.forEach(
                  (s, n) ->
                      m.record(
                          n, Attributes.of(STATE, s.name().toLowerCase(java.util.Locale.ROOT))));
            });
    meter
        .gaugeBuilder("meshgate.signing_key.retirement")
        .setDescription("Seconds until a signing key is retired (keys with a successor scheduled)")
        .setUnit("s")
        .buildWithCallback(
            m -> {
              Instant now = clock.instant();
              for (KeyLifecycle.KeyStatus k : current().evaluation().statuses().values()) {
                if (k.retiresAt() != null && k.state() != SigningKeyState.RETIRED) {
                  m.record(
                      java.time.Duration.between(now, k.retiresAt()).toMillis() / 1000.0,
                      Attributes.of(
                          KID,
                          k.kid(),
                          STATE,
                          k.state().name().toLowerCase(java.util.Locale.ROOT)));
                }
              }
            });
    meter
        .gaugeBuilder("meshgate.signing_key.active.age")
        .setDescription("Seconds the active signing key has signed for")
        .setUnit("s")
        .buildWithCallback(
            m -> {
              Instant since = current().evaluation().activeSince();
              if (since != null) {
                m.record(java.time.Duration.between(since, clock.instant()).toMillis() / 1000.0);
              }
            });
  }

  /** What this replica loaded and derived; replaced whole, never changed in place. */
  private volatile Loaded loaded = Loaded.EMPTY;

  /**
   * The key that signs now. Called on every proxied request: it only compares the clock with the
   * next stored instant at which a key changes state, and re-derives the states once it passed.
   */
  public ActiveKey active() {
    ActiveKey key = current().active();
    if (key == null) {
      throw new SigningUnavailableException("No active signing key");
    }
    return key;
  }

  public boolean hasActiveKey() {
    return current().active() != null;
  }

  /**
   * The published keys as a jose4j verification key resolver: a token's key is chosen only by
   * {@code kid} among these, never from the token's own {@code jku}, {@code x5u} or {@code jwk}.
   * Rebuilt when the JWKS changes.
   */
  public org.jose4j.keys.resolvers.VerificationKeyResolver verificationKeys() {
    String json = jwksJson();
    Resolver current = resolver;
    if (current == null || !current.json().equals(json)) {
      try {
        current =
            new Resolver(
                json,
                new org.jose4j.keys.resolvers.JwksVerificationKeyResolver(
                    new org.jose4j.jwk.JsonWebKeySet(json).getJsonWebKeys()));
      } catch (JoseException e) {
        throw new IllegalStateException("The gateway's own JWKS does not parse", e);
      }
      resolver = current;
    }
    return current.keys();
  }

  private volatile Resolver resolver;

  private record Resolver(String json, org.jose4j.keys.resolvers.VerificationKeyResolver keys) {}

  /** The JWK Set of every published, active and retiring key, public parameters only. */
  public String jwksJson() {
    return current().jwksJson();
  }

  /** The key states this replica derived at the last change, as of now. */
  public KeyLifecycle.Evaluation evaluation() {
    return current().evaluation();
  }

  /**
   * Whether automatic rotation is due: the active key has signed for at least {@code period} (since
   * its activation) and no rotation is scheduled.
   */
  public boolean rotationDue(java.time.Duration period, Instant now) {
    return current().evaluation().rotationDue(period, now);
  }

  /**
   * Creates the first key when the database has none. Two replicas racing on an empty database both
   * try; the {@code key_bootstrap} primary key lets one commit and the other fail, after which it
   * simply loads the winner's key. The first key is active at once: nothing trusted the gateway
   * before, so no verifier can miss it.
   */
  @Transactional
  public void createFirstKeyIfNone() {
    Number existing =
        (Number) em.createNativeQuery("select count(*) from key_bootstrap").getSingleResult();
    if (existing.longValue() > 0) {
      return;
    }
    String alg = settings.algorithm();
    SigningKeyEntity key =
        newKey(
            alg,
            SigningKeyState.ACTIVE,
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    em.createNativeQuery("insert into key_bootstrap (id, kid) values (1, ?1)")
        .setParameter(1, key.getKid())
        .executeUpdate();
    em.persist(key);
    LOG.info(
        "MESHGATE-KEYS: generated the first signing key, kid=" + key.getKid() + ", alg=" + alg);
  }

  /**
   * A new key pair as an unsaved row, its private part sealed; {@code state} is {@code STAGED},
   * {@code PUBLISHED} (published at {@code now}) or {@code ACTIVE} (only for the first key).
   */
  public SigningKeyEntity newKey(String alg, SigningKeyState state, Instant now) {
    PublicJsonWebKey jwk = generate(alg);
    String kid = thumbprint(jwk);
    jwk.setKeyId(kid);
    jwk.setAlgorithm(alg);
    jwk.setUse("sig");
    String publicJson = jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    String sealed =
        new PrivateKeySeal(secrets.keyEncryptionKey()).seal(jwk.getPrivateKey().getEncoded(), kid);
    return new SigningKeyEntity(kid, alg, publicJson, sealed, state, now);
  }

  /**
   * Serializes key writes across replicas: locks the one {@code signing_key_lock} row until the
   * calling transaction ends. Call first in every transaction that adds, publishes or schedules a
   * key.
   */
  public void lockForWrite(EntityManager writer) {
    writer
        .createNativeQuery("update signing_key_lock set locked_at = ?1 where id = 1")
        .setParameter(1, clock.instant())
        .executeUpdate();
  }

  /**
   * Re-reads the keys from the database. Runs at start and every {@code
   * meshgate.keys.reload-interval}, so a key published on another replica is served here soon
   * after; when the rows did not change only the clock is compared.
   */
  @Transactional
  public void reload() {
    List<KeyRow> rows =
        em
            .createQuery("select k from SigningKeyEntity k order by k.id", SigningKeyEntity.class)
            .getResultList()
            .stream()
            .map(KeyRow::of)
            .toList();
    load(rows);
  }

  /** Replaces the loaded rows (package-private for tests: no database). */
  synchronized void load(List<KeyRow> rows) {
    Loaded previous = loaded;
    if (rows.equals(previous.rows()) && clock.millis() < previous.nextChangeMillis()) {
      return;
    }
    derive(rows, previous);
  }

  private Loaded current() {
    Loaded l = loaded;
    if (clock.millis() >= l.nextChangeMillis()) {
      l = rederive(l);
    }
    return l;
  }

  private synchronized Loaded rederive(Loaded seen) {
    Loaded now = loaded;
    if (now != seen || clock.millis() < now.nextChangeMillis()) {
      return now;
    }
    return derive(now.rows(), now);
  }

  private Loaded derive(List<KeyRow> rows, Loaded previous) {
    Instant now = clock.instant();
    KeyLifecycle.Evaluation evaluation =
        lifecycle().evaluate(rows.stream().map(KeyRow::times).toList(), now);
    StringBuilder jwks = new StringBuilder("{\"keys\":[");
    boolean first = true;
    KeyRow activeRow = null;
    for (KeyRow row : rows) {
      if (evaluation.state(row.kid()).inJwks()) {
        jwks.append(first ? "" : ",").append(row.publicJwk());
        first = false;
      }
      if (row.kid().equals(evaluation.activeKid())) {
        activeRow = row;
      }
    }
    // Private keys are opened when a key is scheduled (on the reload thread), not when it
    // activates on a request thread, and an unreadable one is reported then.
    java.util.Map<String, ActiveKey> opened = new java.util.HashMap<>();
    for (KeyRow row : rows) {
      boolean scheduled =
          row.activatesAt() != null && evaluation.state(row.kid()) == SigningKeyState.PUBLISHED;
      if (row == activeRow || scheduled) {
        ActiveKey known = previous.opened().get(row.kid());
        try {
          opened.put(row.kid(), known != null ? known : open(row));
        } catch (SigningUnavailableException e) {
          if (row == activeRow && previous.active() == null) {
            throw e;
          }
          LOG.severe(
              "MESHGATE-KEYS: "
                  + e.getMessage()
                  + "; is MESHGATE_KEK the same on every replica? This replica keeps signing with"
                  + " the key it has while the key stays in its JWKS");
        }
      }
    }
    ActiveKey activeKey = activeRow == null ? null : opened.get(activeRow.kid());
    if (activeRow != null && activeKey == null) {
      // Still valid everywhere: a replaced key stays in every replica's JWKS while retiring.
      activeKey = previous.active();
      opened.put(activeKey.kid(), activeKey);
    }
    Instant nextChange = evaluation.nextChange();
    Loaded next =
        new Loaded(
            rows,
            evaluation,
            activeKey,
            java.util.Map.copyOf(opened),
            jwks.append("]}").toString(),
            // Rounded up: once the clock reaches it, the stored instant has surely passed.
            nextChange == null
                ? Long.MAX_VALUE
                : nextChange.toEpochMilli() + (nextChange.getNano() % 1_000_000 == 0 ? 0 : 1));
    loaded = next;
    logChanges(previous.evaluation(), evaluation);
    return next;
  }

  private KeyLifecycle lifecycle() {
    KeyLifecycle l = lifecycle;
    if (l == null) {
      l = settings.lifecycle();
      lifecycle = l;
    }
    return l;
  }

  private volatile KeyLifecycle lifecycle;

  /** Package-private for tests that build this class with {@code new}. */
  void useLifecycle(KeyLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  private void logChanges(KeyLifecycle.Evaluation before, KeyLifecycle.Evaluation after) {
    for (KeyLifecycle.KeyStatus status : after.statuses().values()) {
      SigningKeyState was = before.state(status.kid());
      SigningKeyState is = status.state();
      if (was == is || (was == null && is == SigningKeyState.STAGED)) {
        continue;
      }
      transitions.add(
          1,
          Attributes.of(
              AttributeKey.stringKey("from"),
              was == null ? "new" : was.name().toLowerCase(java.util.Locale.ROOT),
              AttributeKey.stringKey("to"),
              is.name().toLowerCase(java.util.Locale.ROOT)));
      LOG.info(
          "MESHGATE-KEYS: signing key "
              + status.kid()
              + " is "
              + is
              + (was == null ? "" : " (was " + was + ")")
              + " on this replica"
              + (is == SigningKeyState.RETIRED ? "; removed from the JWKS" : "")
              + (is == SigningKeyState.ACTIVE ? "; it signs from now on" : ""));
    }
  }

  private ActiveKey open(KeyRow row) {
    try {
      byte[] pkcs8 = new PrivateKeySeal(secrets.keyEncryptionKey()).open(row.sealed(), row.kid());
      return new ActiveKey(row.kid(), row.alg(), privateKey(row.alg(), pkcs8));
    } catch (RuntimeException e) {
      // Never the key material: only which key and why (a wrong MESHGATE_KEK, a damaged row).
      throw new SigningUnavailableException(
          "Cannot open the private part of signing key " + row.kid() + ": " + e.getMessage());
    }
  }

  /** A key row as loaded: immutable, compared whole to notice changes. */
  record KeyRow(
      String kid,
      String alg,
      String publicJwk,
      String sealed,
      Instant publishedAt,
      Instant activatesAt) {
    static KeyRow of(SigningKeyEntity e) {
      return new KeyRow(
          e.getKid(),
          e.getAlg(),
          e.getPublicJwk(),
          e.getPrivateKeySealed(),
          e.getPublishedAt(),
          e.getActivatesAt());
    }

    KeyLifecycle.KeyTimes times() {
      return new KeyLifecycle.KeyTimes(kid, publishedAt, activatesAt);
    }

    @Override
    public String toString() {
      return "KeyRow[kid=" + kid + "]";
    }
  }

  private record Loaded(
      List<KeyRow> rows,
      KeyLifecycle.Evaluation evaluation,
      ActiveKey active,
      java.util.Map<String, ActiveKey> opened,
      String jwksJson,
      long nextChangeMillis) {
    static final Loaded EMPTY =
        new Loaded(
            List.of(),
            new KeyLifecycle.Evaluation(java.util.Map.of(), null, null, null, false),
            null,
            java.util.Map.of(),
            "{\"keys\":[]}",
            Long.MAX_VALUE);
  }

  private static PublicJsonWebKey generate(String alg) {
    try {
      return switch (alg) {
        case AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256 ->
            EcJwkGenerator.generateJwk(EllipticCurves.P256);
        case AlgorithmIdentifiers.RSA_USING_SHA256 -> RsaJwkGenerator.generateJwk(2048);
        default ->
            throw new IllegalStateException(
                "meshgate.token.algorithm must be ES256 or RS256 (was '" + alg + "')");
      };
    } catch (JoseException e) {
      throw new IllegalStateException("Cannot generate a " + alg + " key", e);
    }
  }

  private static String thumbprint(PublicJsonWebKey jwk) {
    return jwk.calculateBase64urlEncodedThumbprint("SHA-256");
  }

  private static PrivateKey privateKey(String alg, byte[] pkcs8) {
    try {
      String family = alg.startsWith("ES") ? "EC" : "RSA";
      return KeyFactory.getInstance(family).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("Stored private key is not a valid " + alg + " key", e);
    }
  }

  /** The key that signs: id, JWS algorithm and private key. */
  public record ActiveKey(String kid, String alg, PrivateKey privateKey) {
    @Override
    public String toString() {
      return "ActiveKey[kid=" + kid + ", alg=" + alg + "]";
    }
  }
}
