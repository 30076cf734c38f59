package io.meshgate.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.support.ServerSecrets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hot-path switch: states change at the stored instants, with no reload in between. */
class SigningKeysTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration LEAD = Duration.ofSeconds(25);
  private static final Duration RETENTION = Duration.ofSeconds(100);

  private final TokenServiceTest.MovableClock clock = new TokenServiceTest.MovableClock(T0);
  private final SigningKeys keys = new SigningKeys();

  @BeforeEach
  void setUp() {
    byte[] kek = new byte[32];
    new SecureRandom().nextBytes(kek);
    keys.secrets =
        new ServerSecrets() {
          @Override
          public byte[] keyEncryptionKey() {
            return kek;
          }
        };
    keys.clock = clock;
    keys.useLifecycle(new KeyLifecycle(LEAD, RETENTION));
  }

  @Test
  void noKeyBeforeTheFirstLoad() {
    assertThat(keys.hasActiveKey()).isFalse();
    assertThatThrownBy(keys::active).isInstanceOf(SigningUnavailableException.class);
    assertThat(keys.jwksJson()).isEqualTo("{\"keys\":[]}");
  }

  @Test
  void theActiveKeySwitchesAtTheStoredInstantWithoutAReload() {
    SigningKeyEntity first = keys.newKey("ES256", SigningKeyState.ACTIVE, T0);
    Instant published = T0.plusSeconds(1000);
    SigningKeyEntity second = keys.newKey("RS256", SigningKeyState.PUBLISHED, published);
    Instant activates = published.plus(LEAD);
    second.scheduleActivation(activates);
    clock.now = published;
    keys.load(rows(first, second));

    clock.now = activates.minusMillis(1);
    assertThat(keys.active().kid()).isEqualTo(first.getKid());
    assertThat(keys.active().alg()).isEqualTo("ES256");
    assertThat(keys.jwksJson()).contains(first.getKid(), second.getKid());

    clock.now = activates;
    assertThat(keys.active().kid()).isEqualTo(second.getKid());
    assertThat(keys.active().alg()).isEqualTo("RS256");
    assertThat(keys.active().privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(keys.jwksJson()).contains(first.getKid(), second.getKid());

    clock.now = activates.plus(RETENTION).minusMillis(1);
    assertThat(keys.jwksJson()).contains(first.getKid());

    clock.now = activates.plus(RETENTION);
    assertThat(keys.jwksJson()).doesNotContain(first.getKid()).contains(second.getKid());
    assertThat(keys.active().kid()).isEqualTo(second.getKid());
  }

  @Test
  void aStagedKeyIsNotInTheJwksAndAPublishedOneIs() {
    SigningKeyEntity first = keys.newKey("ES256", SigningKeyState.ACTIVE, T0);
    SigningKeyEntity staged = keys.newKey("ES256", SigningKeyState.STAGED, T0);
    keys.load(rows(first, staged));
    assertThat(keys.jwksJson()).contains(first.getKid()).doesNotContain(staged.getKid());

    staged.publish(T0.plusSeconds(1));
    keys.load(rows(first, staged));
    assertThat(keys.jwksJson()).contains(staged.getKid());
    assertThat(keys.active().kid()).isEqualTo(first.getKid());
  }

  @Test
  void theJwksHasPublicPartsOnly() {
    keys.load(rows(keys.newKey("RS256", SigningKeyState.ACTIVE, T0)));

    assertThat(keys.jwksJson()).contains("\"n\"", "\"e\"").doesNotContain("\"d\"", "\"p\"");
  }

  @Test
  void rotationIsDueAPeriodAfterTheActivationUnlessOneIsPending() {
    SigningKeyEntity first = keys.newKey("ES256", SigningKeyState.ACTIVE, T0);
    keys.load(rows(first));
    Duration period = Duration.ofDays(90);

    assertThat(keys.rotationDue(period, T0.plus(period).minusMillis(1))).isFalse();
    assertThat(keys.rotationDue(period, T0.plus(period))).isTrue();

    SigningKeyEntity next = keys.newKey("ES256", SigningKeyState.PUBLISHED, T0.plus(period));
    next.scheduleActivation(T0.plus(period).plus(LEAD));
    clock.now = T0.plus(period);
    keys.load(rows(first, next));
    assertThat(keys.rotationDue(period, T0.plus(period))).isFalse();
  }

  @Test
  void aStoredInstantBetweenTwoMillisecondsSwitchesAtTheNextWholeMillisecond() {
    SigningKeyEntity first = keys.newKey("ES256", SigningKeyState.ACTIVE, T0);
    SigningKeyEntity second = keys.newKey("ES256", SigningKeyState.PUBLISHED, T0);
    Instant activates = T0.plus(LEAD).plusNanos(500_000);
    second.scheduleActivation(activates);
    keys.load(rows(first, second));

    // The hot path compares milliseconds: it switches once the stored instant has surely passed,
    // never before it, at most a millisecond after it.
    clock.now = activates;
    assertThat(keys.active().kid()).isEqualTo(first.getKid());
    clock.now = T0.plus(LEAD).plusMillis(1).minusNanos(1);
    assertThat(keys.active().kid()).isEqualTo(first.getKid());
    clock.now = T0.plus(LEAD).plusMillis(1);
    assertThat(keys.active().kid()).isEqualTo(second.getKid());
  }

  @Test
  void aScheduledKeyThatCannotBeOpenedIsPublishedButTheOldKeyKeepsSigning() {
    SigningKeyEntity first = keys.newKey("ES256", SigningKeyState.ACTIVE, T0);
    keys.load(rows(first));
    SigningKeyEntity next = keys.newKey("ES256", SigningKeyState.PUBLISHED, T0);
    next.scheduleActivation(T0.plus(LEAD));
    SigningKeys.KeyRow damaged =
        new SigningKeys.KeyRow(
            next.getKid(),
            "ES256",
            next.getPublicJwk(),
            first.getPrivateKeySealed(),
            next.getPublishedAt(),
            next.getActivatesAt());

    keys.load(List.of(SigningKeys.KeyRow.of(first), damaged));
    assertThat(keys.jwksJson()).contains(next.getKid());

    clock.now = T0.plus(LEAD);
    assertThat(keys.active().kid()).isEqualTo(first.getKid());
    assertThat(keys.jwksJson()).contains(first.getKid(), next.getKid());
  }

  @Test
  void anActiveKeyThatCannotBeOpenedAtStartFailsTheLoad() {
    SigningKeyEntity first = keys.newKey("ES256", SigningKeyState.ACTIVE, T0);
    SigningKeys.KeyRow damaged =
        new SigningKeys.KeyRow(
            "other-kid", "ES256", first.getPublicJwk(), first.getPrivateKeySealed(), T0, T0);

    assertThatThrownBy(() -> keys.load(List.of(damaged)))
        .isInstanceOf(SigningUnavailableException.class)
        .hasMessageStartingWith("Cannot open the private part of signing key other-kid: ");
    assertThat(keys.hasActiveKey()).isFalse();
  }

  private static List<SigningKeys.KeyRow> rows(SigningKeyEntity... entities) {
    return java.util.Arrays.stream(entities).map(SigningKeys.KeyRow::of).toList();
  }
}
