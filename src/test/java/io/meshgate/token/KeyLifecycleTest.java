package io.meshgate.token;

import static io.meshgate.token.SigningKeyState.ACTIVE;
import static io.meshgate.token.SigningKeyState.PUBLISHED;
import static io.meshgate.token.SigningKeyState.RETIRED;
import static io.meshgate.token.SigningKeyState.RETIRING;
import static io.meshgate.token.SigningKeyState.STAGED;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.token.KeyLifecycle.KeyTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyLifecycleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration LEAD = Duration.ofMinutes(25);
  private static final Duration RETENTION = Duration.ofSeconds(86_400 + 30);
  private static final Duration MS = Duration.ofMillis(1);

  private final KeyLifecycle lifecycle = new KeyLifecycle(LEAD, RETENTION);

  private final KeyTimes first = new KeyTimes("k1", T0, T0);
  private final Instant published = T0.plus(Duration.ofDays(90));
  private final Instant activates = published.plus(LEAD);
  private final KeyTimes second = new KeyTimes("k2", published, activates);

  @Test
  void theFirstKeyIsActiveAtOnceAndNothingChangesLater() {
    KeyLifecycle.Evaluation e = lifecycle.evaluate(List.of(first), T0);

    assertThat(e.state("k1")).isEqualTo(ACTIVE);
    assertThat(e.activeKid()).isEqualTo("k1");
    assertThat(e.nextChange()).isNull();
    assertThat(e.rotationPending()).isFalse();
    assertThat(e.statuses().get("k1").retiresAt()).isNull();
  }

  @Test
  void stagedAndPublishedKeysDoNotSign() {
    KeyTimes staged = new KeyTimes("s", null, null);
    KeyTimes unscheduled = new KeyTimes("p", T0, null);
    KeyTimes scheduledButNotPublished = new KeyTimes("x", null, T0);

    KeyLifecycle.Evaluation e =
        lifecycle.evaluate(List.of(first, staged, unscheduled, scheduledButNotPublished), T0);

    assertThat(e.state("s")).isEqualTo(STAGED);
    assertThat(e.state("p")).isEqualTo(PUBLISHED);
    assertThat(e.state("x")).isEqualTo(STAGED);
    assertThat(e.activeKid()).isEqualTo("k1");
    assertThat(e.rotationPending()).isFalse();
  }

  @Test
  void theSuccessorActivatesExactlyAtItsStoredInstant() {
    KeyLifecycle.Evaluation before =
        lifecycle.evaluate(List.of(first, second), activates.minus(MS));
    KeyLifecycle.Evaluation at = lifecycle.evaluate(List.of(first, second), activates);

    assertThat(before.activeKid()).isEqualTo("k1");
    assertThat(before.state("k2")).isEqualTo(PUBLISHED);
    assertThat(before.rotationPending()).isTrue();
    assertThat(before.nextChange()).isEqualTo(activates);
    assertThat(before.statuses().get("k1").retiresAt()).isEqualTo(activates.plus(RETENTION));

    assertThat(at.activeKid()).isEqualTo("k2");
    assertThat(at.state("k1")).isEqualTo(RETIRING);
    assertThat(at.rotationPending()).isFalse();
    assertThat(at.nextChange()).isEqualTo(activates.plus(RETENTION));
  }

  @Test
  void theOldKeyRetiresWhenItsLastTokenAndTheSkewHavePassed() {
    Instant retires = activates.plus(RETENTION);

    KeyLifecycle.Evaluation before = lifecycle.evaluate(List.of(first, second), retires.minus(MS));
    KeyLifecycle.Evaluation at = lifecycle.evaluate(List.of(first, second), retires);

    assertThat(before.state("k1")).isEqualTo(RETIRING);
    assertThat(before.state("k1").inJwks()).isTrue();
    assertThat(at.state("k1")).isEqualTo(RETIRED);
    assertThat(at.state("k1").inJwks()).isFalse();
    assertThat(at.state("k2")).isEqualTo(ACTIVE);
    assertThat(at.nextChange()).isNull();
  }

  @Test
  void twoRotationsRetireEachKeyFromItsOwnSuccessor() {
    Instant thirdActivates = activates.plus(Duration.ofHours(1));
    KeyTimes third = new KeyTimes("k3", activates, thirdActivates);

    KeyLifecycle.Evaluation e =
        lifecycle.evaluate(List.of(first, second, third), thirdActivates.plus(MS));

    assertThat(e.activeKid()).isEqualTo("k3");
    assertThat(e.state("k2")).isEqualTo(RETIRING);
    assertThat(e.state("k1")).isEqualTo(RETIRING);
    assertThat(e.statuses().get("k1").retiresAt()).isEqualTo(activates.plus(RETENTION));
    assertThat(e.statuses().get("k2").retiresAt()).isEqualTo(thirdActivates.plus(RETENTION));
    assertThat(e.nextChange()).isEqualTo(activates.plus(RETENTION));
  }

  @Test
  void ofTwoKeysActivatingAtOnceTheLaterCreatedSigns() {
    KeyTimes twin = new KeyTimes("k2b", published, activates);

    KeyLifecycle.Evaluation e = lifecycle.evaluate(List.of(first, second, twin), activates);

    assertThat(e.activeKid()).isEqualTo("k2b");
    assertThat(e.state("k2")).isEqualTo(RETIRING);
  }

  @Test
  void theEarliestActivationIsThePublicationPlusTheLeadAndNeverInThePast() {
    assertThat(lifecycle.earliestActivation(published, published)).isEqualTo(activates);
    assertThat(lifecycle.earliestActivation(published, activates.minus(MS))).isEqualTo(activates);
    Instant later = activates.plusSeconds(10);
    assertThat(lifecycle.earliestActivation(published, later)).isEqualTo(later);
  }

  @Test
  void automaticRotationIsDueAPeriodAfterTheActivationUnlessOneIsPending() {
    Duration period = Duration.ofDays(90);
    Instant due = T0.plus(period);

    assertThat(lifecycle.evaluate(List.of(first), due).rotationDue(period, due.minus(MS)))
        .isFalse();
    assertThat(lifecycle.evaluate(List.of(first), due).rotationDue(period, due)).isTrue();
    assertThat(lifecycle.evaluate(List.of(first, second), due).rotationDue(period, due)).isFalse();
    assertThat(
            lifecycle
                .evaluate(List.of(first, second), activates)
                .rotationDue(period, activates.plus(period).minus(MS)))
        .isFalse();
    assertThat(lifecycle.evaluate(List.of(), due).rotationDue(period, due)).isFalse();
  }
}
