package io.meshgate.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Derives every signing key's state from the instants stored with it and the clock, so that every
 * replica reading the same rows switches at the same instant without talking to the others.
 *
 * <ul>
 *   <li>{@code STAGED}: not published (not in the JWKS).
 *   <li>{@code PUBLISHED}: published, and not scheduled or scheduled for later.
 *   <li>{@code ACTIVE}: the published key with the latest {@code activatesAt} that has passed.
 *   <li>{@code RETIRING}: was active, its successor activated at {@code s}, and {@code now < s +
 *       retention}: a token it signed may still be valid.
 *   <li>{@code RETIRED}: after that; no longer in the JWKS.
 * </ul>
 *
 * <p>Two durations make this safe for a mesh that caches the JWKS: {@code publishLead} (the mesh's
 * JWKS refresh interval plus a margin) is the least time between a key's publication and its
 * activation, so every verifier holds the key before the first token it signs; {@code retention}
 * (the longest lifetime of a gateway-signed token plus clock skew) is how long a key stays in the
 * JWKS after it stopped signing.
 */
public final class KeyLifecycle {
  private final Duration publishLead;
  private final Duration retention;

  public KeyLifecycle(Duration publishLead, Duration retention) {
    this.publishLead = Objects.requireNonNull(publishLead);
    this.retention = Objects.requireNonNull(retention);
  }

  public Duration publishLead() {
    return publishLead;
  }

  public Duration retention() {
    return retention;
  }

  /**
   * The earliest instant a key published at {@code publishedAt} may start signing, and never before
   * {@code now}.
   */
  public Instant earliestActivation(Instant publishedAt, Instant now) {
    Instant earliest = publishedAt.plus(publishLead);
    return earliest.isBefore(now) ? now : earliest;
  }

  /**
   * The state of every key at {@code now}. Keys are given in creation order; among keys activating
   * at the same instant the later one wins.
   */
  public Evaluation evaluate(List<KeyTimes> keys, Instant now) {
    List<KeyTimes> scheduled = new ArrayList<>();
    for (KeyTimes k : keys) {
      if (k.publishedAt() != null && k.activatesAt() != null) {
        scheduled.add(k);
      }
    }
    // Stable: ties keep creation order.
    scheduled.sort(Comparator.comparing(KeyTimes::activatesAt));

    Map<String, KeyStatus> statuses = new LinkedHashMap<>();
    String activeKid = null;
    Instant activeSince = null;
    Instant nextChange = null;
    boolean pending = false;
    for (int i = 0; i < scheduled.size(); i++) {
      KeyTimes key = scheduled.get(i);
      KeyTimes successor = i + 1 < scheduled.size() ? scheduled.get(i + 1) : null;
      Instant retiresAt = successor == null ? null : successor.activatesAt().plus(retention);
      SigningKeyState state;
      if (key.activatesAt().isAfter(now)) {
        state = SigningKeyState.PUBLISHED;
        pending = true;
        nextChange = earlier(nextChange, key.activatesAt());
      } else if (successor == null || successor.activatesAt().isAfter(now)) {
        state = SigningKeyState.ACTIVE;
        activeKid = key.kid();
        activeSince = key.activatesAt();
      } else if (now.isBefore(retiresAt)) {
        state = SigningKeyState.RETIRING;
      } else {
        state = SigningKeyState.RETIRED;
      }
      if (retiresAt != null && retiresAt.isAfter(now)) {
        nextChange = earlier(nextChange, retiresAt);
      }
      statuses.put(key.kid(), new KeyStatus(key.kid(), state, retiresAt));
    }
    Map<String, KeyStatus> ordered = new LinkedHashMap<>();
    for (KeyTimes k : keys) {
      KeyStatus status = statuses.get(k.kid());
      if (status == null) {
        status =
            new KeyStatus(
                k.kid(),
                k.publishedAt() == null ? SigningKeyState.STAGED : SigningKeyState.PUBLISHED,
                null);
      }
      ordered.put(k.kid(), status);
    }
    return new Evaluation(ordered, activeKid, activeSince, nextChange, pending);
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  /** What the lifecycle needs of a key: when it was published and when it activates (or null). */
  public record KeyTimes(String kid, Instant publishedAt, Instant activatesAt) {}

  /** A key's state at the evaluated instant; {@code retiresAt} once a successor is scheduled. */
  public record KeyStatus(String kid, SigningKeyState state, Instant retiresAt) {}

  /**
   * The states at one instant.
   *
   * @param statuses per kid, in the order the keys were given
   * @param activeKid the key that signs, or null
   * @param activeSince when it started signing, or null
   * @param nextChange the next instant at which any state changes, or null when none will
   * @param rotationPending whether a key is scheduled to activate later
   */
  public record Evaluation(
      Map<String, KeyStatus> statuses,
      String activeKid,
      Instant activeSince,
      Instant nextChange,
      boolean rotationPending) {
    /**
     * Whether an automatic rotation is due at {@code now}: the active key has signed for at least
     * {@code period} and no other key is scheduled.
     */
    public boolean rotationDue(Duration period, Instant now) {
      return activeSince != null && !rotationPending && !activeSince.plus(period).isAfter(now);
    }

    public SigningKeyState state(String kid) {
      KeyStatus s = statuses.get(kid);
      return s == null ? null : s.state();
    }
  }
}
