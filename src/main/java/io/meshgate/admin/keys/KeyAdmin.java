package io.meshgate.admin.keys;

import io.meshgate.admin.audit.AuditLog;
import io.meshgate.admin.error.AdminException;
import io.meshgate.catalog.sync.CatalogChange;
import io.meshgate.token.KeyLifecycle;
import io.meshgate.token.KeySettings;
import io.meshgate.token.SigningKeyEntity;
import io.meshgate.token.SigningKeyState;
import io.meshgate.token.SigningKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Use cases of the signing keys. Every write first locks the one {@code signing_key_lock} row, so
 * concurrent writers on any replica (admins, the automatic rotation) are serialized and never
 * schedule two rotations; every write is audited.
 */
@ApplicationScoped
@Transactional
public class KeyAdmin {
  public static final String KEY_NOT_FOUND = "KEY_NOT_FOUND";
  public static final String KEY_STATE_CONFLICT = "KEY_STATE_CONFLICT";
  public static final String KEY_ROTATION_PENDING = "KEY_ROTATION_PENDING";
  public static final String KEY_ACTIVATION_TOO_EARLY = "KEY_ACTIVATION_TOO_EARLY";

  /** The audit actor of rotations the gateway schedules by itself. */
  public static final String AUTOMATIC = "meshgate-automatic-rotation";

  static final Set<String> ALGORITHMS = Set.of("ES256", "RS256");
  private static final String ENTITY = "signing-key";

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject SigningKeys keys;
  @Inject KeySettings settings;
  @Inject AuditLog audit;
  @Inject Clock clock;

  public List<KeyView> list() {
    Instant now = now();
    List<SigningKeyEntity> all = all();
    KeyLifecycle.Evaluation states = evaluate(all, now);
    return all.stream().map(k -> view(k, states)).toList();
  }

  public KeyView get(String kid) {
    List<SigningKeyEntity> all = all();
    return view(find(all, kid), evaluate(all, clock.instant()));
  }

  /** Stages a new key, published at once unless {@code publish} is false. */
  public KeyView create(String actor, KeyRequests.NewKey request) {
    KeyRequests.NewKey r = request == null ? new KeyRequests.NewKey(null, null) : request;
    String alg = r.alg() == null ? settings.algorithm() : r.alg().trim().toUpperCase(Locale.ROOT);
    if (!ALGORITHMS.contains(alg)) {
      throw AdminException.invalid("alg", "must be ES256 or RS256");
    }
    keys.lockForWrite(em);
    Instant now = now();
    boolean publish = r.publish() == null || r.publish();
    SigningKeyEntity key =
        keys.newKey(alg, publish ? SigningKeyState.PUBLISHED : SigningKeyState.STAGED, now);
    em.persist(key);
    em.flush();
    KeyView view = viewNow(key);
    audit.write(
        actor,
        "signing-key.create",
        ENTITY,
        key.getKid(),
        null,
        view,
        CatalogChange.signingKey(key.getKid()));
    return view;
  }

  /** Puts a staged key in the JWKS. */
  public KeyView publish(String actor, String kid) {
    keys.lockForWrite(em);
    SigningKeyEntity key = find(all(), kid);
    if (key.getPublishedAt() != null) {
      throw AdminException.conflict(
          KEY_STATE_CONFLICT, "Key " + kid + " was published at " + key.getPublishedAt());
    }
    KeyView before = viewNow(key);
    key.publish(now());
    em.flush();
    KeyView after = viewNow(key);
    audit.write(
        actor, "signing-key.publish", ENTITY, kid, before, after, CatalogChange.signingKey(kid));
    return after;
  }

  /**
   * Schedules the next key to activate: the given published key, or a new key of the configured
   * algorithm published now; at {@code at}, or the earliest allowed instant. A second pending
   * rotation is refused: its successor would have to wait for the first, and replacing a schedule a
   * mesh may already have prepared for is not worth the ambiguity.
   */
  public KeyView rotate(String actor, KeyRequests.Rotation request) {
    KeyRequests.Rotation r = request == null ? new KeyRequests.Rotation(null, null) : request;
    Instant at = parseInstant(r.at());
    String kid = r.kid() == null || r.kid().isBlank() ? null : r.kid().trim();
    keys.lockForWrite(em);
    Instant now = now();
    List<SigningKeyEntity> all = all();
    refusePending(all, evaluate(all, now));
    KeyLifecycle lifecycle = settings.lifecycle();
    SigningKeyEntity key;
    if (kid == null) {
      refuseTooEarly(at, lifecycle.earliestActivation(now, now), now, null);
      key = keys.newKey(settings.algorithm(), SigningKeyState.PUBLISHED, now);
      em.persist(key);
    } else {
      key = find(all, kid);
      if (key.getPublishedAt() == null) {
        throw AdminException.conflict(
            KEY_STATE_CONFLICT, "Key " + kid + " is staged: publish it before scheduling it");
      }
      if (key.getActivatesAt() != null) {
        throw AdminException.conflict(
            KEY_STATE_CONFLICT, "Key " + kid + " already activated at " + key.getActivatesAt());
      }
      refuseTooEarly(
          at, lifecycle.earliestActivation(key.getPublishedAt(), now), now, key.getPublishedAt());
    }
    KeyView before = kid == null ? null : viewNow(key);
    key.scheduleActivation(
        at != null ? at : lifecycle.earliestActivation(key.getPublishedAt(), now));
    em.flush();
    KeyView after = viewNow(key);
    audit.write(
        actor,
        "signing-key.rotate",
        ENTITY,
        key.getKid(),
        before,
        after,
        CatalogChange.signingKey(key.getKid()));
    return after;
  }

  /**
   * The automatic rotation: when the active key has signed for {@code period} and nothing is
   * scheduled, a new key is published now and scheduled at the earliest allowed instant. Checked
   * again under the lock, so replicas racing create one key.
   */
  public Optional<KeyView> rotateIfDue(Duration period) {
    keys.lockForWrite(em);
    Instant now = now();
    List<SigningKeyEntity> all = all();
    if (!evaluate(all, now).rotationDue(period, now)) {
      return Optional.empty();
    }
    return Optional.of(rotate(AUTOMATIC, new KeyRequests.Rotation(null, null)));
  }

  /**
   * The clock, to the microsecond the databases keep: the instants a response shows are the ones
   * stored, and earliest-activation checks compare what is stored.
   */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private void refuseTooEarly(Instant at, Instant earliest, Instant now, Instant publishedAt) {
    if (at == null || !at.isBefore(earliest)) {
      return;
    }
    Duration lead = settings.lifecycle().publishLead();
    throw new AdminException(
        409,
        KEY_ACTIVATION_TOO_EARLY,
        "The key cannot activate at "
            + at
            + ": the earliest allowed instant is "
            + earliest
            + (publishedAt == null
                ? " (a new key is published now"
                : " (the key was published at " + publishedAt)
            + "; a mesh refreshes the JWKS within "
            + KeySettings.MESH_REFRESH_INTERVAL
            + " + "
            + KeySettings.ACTIVATION_MARGIN
            + " = "
            + lead
            + ", and a key never activates in the past)");
  }

  private void refusePending(List<SigningKeyEntity> all, KeyLifecycle.Evaluation states) {
    for (SigningKeyEntity k : all) {
      if (k.getActivatesAt() != null && states.state(k.getKid()) == SigningKeyState.PUBLISHED) {
        throw AdminException.conflict(
            KEY_ROTATION_PENDING,
            "A rotation is already scheduled: key "
                + k.getKid()
                + " activates at "
                + k.getActivatesAt());
      }
    }
  }

  private static Instant parseInstant(String at) {
    if (at == null || at.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(at.trim()).truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      throw AdminException.invalid(
          "at", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  private List<SigningKeyEntity> all() {
    return em.createQuery("select k from SigningKeyEntity k order by k.id", SigningKeyEntity.class)
        .getResultList();
  }

  private static SigningKeyEntity find(List<SigningKeyEntity> all, String kid) {
    return all.stream()
        .filter(k -> k.getKid().equals(kid))
        .findFirst()
        .orElseThrow(() -> AdminException.notFound(KEY_NOT_FOUND, "signing key", kid));
  }

  private KeyLifecycle.Evaluation evaluate(List<SigningKeyEntity> all, Instant now) {
    return settings
        .lifecycle()
        .evaluate(
            all.stream()
                .map(
                    k ->
                        new KeyLifecycle.KeyTimes(
                            k.getKid(), k.getPublishedAt(), k.getActivatesAt()))
                .toList(),
            now);
  }

  private KeyView viewNow(SigningKeyEntity key) {
    List<SigningKeyEntity> all = all();
    if (all.stream().noneMatch(k -> k.getKid().equals(key.getKid()))) {
      all = new java.util.ArrayList<>(all);
      all.add(key);
    }
    return view(key, evaluate(all, clock.instant()));
  }

  private static KeyView view(SigningKeyEntity k, KeyLifecycle.Evaluation states) {
    KeyLifecycle.KeyStatus status = states.statuses().get(k.getKid());
    return new KeyView(
        k.getKid(),
        k.getAlg(),
        status.state().name().toLowerCase(Locale.ROOT),
        k.getCreatedAt(),
        k.getPublishedAt(),
        k.getActivatesAt(),
        status.retiresAt());
  }
}
