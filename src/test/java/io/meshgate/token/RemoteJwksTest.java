package io.meshgate.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RemoteJwksTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private final JwksServer idp = new JwksServer();
  private final TokenServiceTest.MovableClock clock = new TokenServiceTest.MovableClock(NOW);
  private final BadTokens.Signer first = BadTokens.generate("first", "RS256");
  private final BadTokens.Signer second = BadTokens.generate("second", "ES256");

  @AfterEach
  void stop() {
    idp.close();
  }

  private RemoteJwks jwks() {
    return new RemoteJwks(idp.jwksUrl(), Duration.ofMinutes(15), Duration.ofSeconds(60), clock);
  }

  @Test
  void fetchesOnFirstUseAndServesKnownKidsFromTheCache() {
    idp.serve(BadTokens.jwks(first));
    RemoteJwks keys = jwks();
    for (int i = 0; i < 10; i++) {
      assertThat(keys.key("first")).isPresent();
    }
    assertThat(idp.jwksRequests()).isEqualTo(1);
  }

  @Test
  void aRotatedKeyIsFoundWithOneRefetchAndAFloodOfUnknownKidsRefetchesOncePerInterval() {
    idp.serve(BadTokens.jwks(first));
    RemoteJwks keys = jwks();
    assertThat(keys.key("first")).isPresent();
    idp.serve(BadTokens.jwks(first, second)); // the IdP rotates

    assertThat(keys.key("second")).isPresent();
    assertThat(idp.jwksRequests()).isEqualTo(2);

    for (int i = 0; i < 1000; i++) {
      assertThat(keys.key("made-up-" + i)).isEmpty();
    }
    assertThat(idp.jwksRequests())
        .as("no refetch within the interval of the last one")
        .isEqualTo(2);

    clock.now = clock.now.plusSeconds(60);
    for (int i = 0; i < 1000; i++) {
      assertThat(keys.key("made-up-again-" + i)).isEmpty();
    }
    assertThat(idp.jwksRequests()).as("one refetch in the next interval").isEqualTo(3);
    assertThat(keys.key("first")).isPresent();
  }

  @Test
  void theSetIsFetchedAgainOnScheduleAndAFailedFetchKeepsTheKeys() {
    idp.serve(BadTokens.jwks(first));
    RemoteJwks keys = jwks();
    assertThat(keys.key("first")).isPresent();

    idp.serve("not a key set");
    clock.now = clock.now.plus(Duration.ofMinutes(15));
    assertThat(keys.key("first")).as("served while the refresh runs").isPresent();
    keys.awaitIdle();
    assertThat(keys.key("first")).as("kept after a failed fetch").isPresent();
    assertThat(idp.jwksRequests()).isEqualTo(2);
    assertThat(keys.key("first")).isPresent();
    assertThat(idp.jwksRequests()).as("a failing IdP is not asked again at once").isEqualTo(2);

    idp.serve(BadTokens.jwks(second));
    clock.now = clock.now.plus(Duration.ofSeconds(60));
    assertThat(keys.key("second")).isPresent();
    assertThat(keys.key("first")).as("a key the IdP removed is gone").isEmpty();
  }

  @Test
  void anUnreachableIdpMeansNoKeysNotAnError() {
    idp.close();
    RemoteJwks keys = jwks();
    assertThat(keys.key("first")).isEmpty();
    assertThat(keys.fetches()).isEqualTo(1);
  }

  @Test
  void whileTheIdpIsSlowCallsWithAKnownKidDoNotWaitAndNoSecondFetchStarts() {
    idp.serve(BadTokens.jwks(first));
    RemoteJwks keys = jwks();
    assertThat(keys.key("first")).isPresent();

    idp.hold();
    try {
      clock.now = clock.now.plus(Duration.ofMinutes(15)); // a refresh is due
      assertThat(keys.key("first")).as("served from the keys at hand").isPresent();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (idp.jwksRequests() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(idp.jwksRequests()).as("the refresh reached the IdP").isEqualTo(2);
      for (int i = 0; i < 100; i++) {
        assertThat(keys.key("first")).isPresent();
      }
      assertThat(keys.fetches()).as("one fetch at a time").isEqualTo(2);
    } finally {
      idp.release();
    }
    keys.awaitIdle();
    assertThat(keys.key("first")).isPresent();
  }

  @Test
  void aKeySetLargerThanTheLimitIsRefusedAndTheKeysAreKept() {
    idp.serve(BadTokens.jwks(first));
    RemoteJwks keys = jwks();
    assertThat(keys.key("first")).isPresent();
    idp.serve("{\"keys\":[]," + "\"x\":\"" + "x".repeat(RemoteJwks.MAX_BYTES) + "\"}");
    clock.now = clock.now.plus(Duration.ofMinutes(15));
    keys.key("first");
    keys.awaitIdle();
    assertThat(keys.key("first")).isPresent();
    assertThat(idp.jwksRequests()).isEqualTo(2);
  }

  @Test
  void twoApisTrustingOneIdpShareItsKeySetWithTheStricterLimits() {
    ExternalKeySets sets = ExternalKeySets.using(clock);
    RemoteJwks a = sets.forUrl(idp.jwksUrl(), Duration.ofMinutes(15), Duration.ofSeconds(10));
    RemoteJwks b = sets.forUrl(idp.jwksUrl(), Duration.ofMinutes(5), Duration.ofSeconds(60));
    assertThat(b).isSameAs(a);
    idp.serve(BadTokens.jwks(first));
    assertThat(a.key("first")).isPresent();
    assertThat(a.key("unknown-1")).isEmpty(); // the interval's refetch
    clock.now = clock.now.plusSeconds(30);
    assertThat(b.key("unknown-2")).isEmpty();
    assertThat(idp.jwksRequests()).as("60 s, the longer interval, applies").isEqualTo(2);
  }
}
