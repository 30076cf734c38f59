package io.meshgate.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtValidatorTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final String ISSUER = "https://gateway.example";
  private static final String AUDIENCE = "orders";
  private static JwksServer trap;

  @BeforeAll
  static void startTrap() {
    trap = new JwksServer();
  }

  @AfterAll
  static void stopTrap() {
    trap.close();
  }

  private static JwtProfile profile() {
    return new JwtProfile(
        ISSUER, Set.of(AUDIENCE), Set.of("ES256", "RS256"), "at+jwt", Duration.ofSeconds(30), true);
  }

  private static BadTokens catalogue(BadTokens.Signer signer) {
    return new BadTokens(
        signer,
        BadTokens.headerOf(signer, "at+jwt"),
        BadTokens.claims(ISSUER, AUDIENCE, "app-1", NOW),
        trap.base(),
        NOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "RS256"})
  void everyTokenOfTheCatalogueIsRefusedAndItsValidTwinAccepted(String alg) {
    BadTokens.Signer signer = BadTokens.generate("key-1", alg);
    KeySource keys = JwksKeys.parse(BadTokens.jwks(signer));
    BadTokens tokens = catalogue(signer);

    JwtClaims claims = JwtValidator.validate(tokens.valid(), profile(), keys, NOW);
    assertThat(claims.getClaimValueAsString("sub")).isEqualTo("app-1");

    List<BadTokens.Bad> all = tokens.all();
    assertThat(all).hasSizeGreaterThanOrEqualTo(40);
    for (BadTokens.Bad bad : all) {
      assertThatThrownBy(() -> JwtValidator.validate(bad.token(), profile(), keys, NOW))
          .as(bad.defect())
          .isInstanceOf(InvalidTokenException.class);
    }
    assertThat(trap.requests()).as("requests to the jku / x5u server").isZero();
  }

  @Test
  void reasonsNameTheDefect() {
    BadTokens.Signer signer = BadTokens.generate("key-1", "ES256");
    KeySource keys = JwksKeys.parse(BadTokens.jwks(signer));
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("alg none, no signature", "token is not signed"),
            Map.entry("alg nOnE, with a signature", "algorithm not allowed"),
            Map.entry("HS256 keyed with the public key PEM", "algorithm not allowed"),
            Map.entry("unknown kid", "unknown key"),
            Map.entry("no kid", "token names no key"),
            Map.entry(
                "RS256 with the real kid (key of another type)", "key does not fit the algorithm"),
            Map.entry("expired beyond the skew", "token expired"),
            Map.entry("nbf beyond the skew", "token not yet valid"),
            Map.entry("wrong iss", "wrong issuer"),
            Map.entry("no aud", "wrong audience"),
            Map.entry("no exp", "token has no expiry"),
            Map.entry("wrong typ", "wrong token type"),
            Map.entry("signature of another token", "signature not valid"),
            Map.entry("ECDSA signature r = s = 0", "signature not valid"),
            Map.entry("a fourth part", "not a signed JWT (three dot-separated parts)"),
            Map.entry("non-base64url characters", "token is not base64url"),
            Map.entry("JSON 500 deep inside a claim", "token JSON nested too deeply"),
            Map.entry("1 MB token", "token too large"),
            Map.entry("30 KB token", "token too large"),
            Map.entry("nested token (cty JWT)", "nested tokens are not accepted"),
            Map.entry("crit header", "header 'crit' not supported"));
    for (BadTokens.Bad bad : catalogue(signer).all()) {
      if (expected.containsKey(bad.defect())) {
        assertThatThrownBy(() -> JwtValidator.validate(bad.token(), profile(), keys, NOW))
            .as(bad.defect())
            .hasMessage(expected.get(bad.defect()));
      }
    }
  }

  @Test
  void expiryAndNotBeforeAllowTheSkewAndNoMore() {
    BadTokens.Signer signer = BadTokens.generate("key-1", "ES256");
    KeySource keys = JwksKeys.parse(BadTokens.jwks(signer));
    Map<String, Object> expiring = BadTokens.claims(ISSUER, AUDIENCE, "app-1", NOW);
    expiring.put("iat", NOW.getEpochSecond() - 600);
    expiring.put("nbf", NOW.getEpochSecond() - 600);
    expiring.put("exp", NOW.getEpochSecond() - 29);
    String expired = BadTokens.sign(BadTokens.headerOf(signer, "at+jwt"), expiring, signer);
    Map<String, Object> early = BadTokens.claims(ISSUER, AUDIENCE, "app-1", NOW);
    early.put("nbf", NOW.getEpochSecond() + 29);
    String notYet = BadTokens.sign(BadTokens.headerOf(signer, "at+jwt"), early, signer);
    for (String token : List.of(expired, notYet)) {
      assertThat(JwtValidator.validate(token, profile(), keys, NOW).getClaimValueAsString("sub"))
          .isEqualTo("app-1");
    }
    assertThatThrownBy(() -> JwtValidator.validate(expired, profile(), keys, NOW.plusSeconds(2)))
        .hasMessage("token expired");
    assertThatThrownBy(() -> JwtValidator.validate(notYet, profile(), keys, NOW.minusSeconds(2)))
        .hasMessage("token not yet valid");
  }

  @Test
  void theTypMayCarryTheApplicationPrefix() {
    BadTokens.Signer signer = BadTokens.generate("key-1", "RS256");
    KeySource keys = JwksKeys.parse(BadTokens.jwks(signer));
    String token =
        BadTokens.sign(
            BadTokens.headerOf(signer, "application/at+jwt"),
            BadTokens.claims(ISSUER, AUDIENCE, "app-1", NOW),
            signer);
    assertThat(JwtValidator.validate(token, profile(), keys, NOW).getClaimValueAsString("sub"))
        .isEqualTo("app-1");
  }

  @Test
  void aKeyDeclaringAnotherAlgorithmIsNotUsed() {
    BadTokens.Signer signer = BadTokens.generate("key-1", "RS256");
    signer.publicJwk().setAlgorithm("RS512");
    KeySource keys = JwksKeys.parse(BadTokens.jwks(signer));
    String token =
        BadTokens.sign(
            BadTokens.headerOf(signer, "at+jwt"),
            BadTokens.claims(ISSUER, AUDIENCE, "app-1", NOW),
            signer);
    assertThatThrownBy(() -> JwtValidator.validate(token, profile(), keys, NOW))
        .hasMessage("key does not fit the algorithm");
  }

  @Test
  void aKidListedTwiceInTheSetIsAmbiguousAndVerifiesNothing() {
    BadTokens.Signer one = BadTokens.generate("same", "ES256");
    BadTokens.Signer two = BadTokens.generate("same", "ES256");
    JwksKeys keys = JwksKeys.parse(BadTokens.jwks(one, two));
    assertThat(keys.key("same")).isEmpty();
    String token =
        BadTokens.sign(
            BadTokens.headerOf(one, "at+jwt"), BadTokens.claims(ISSUER, AUDIENCE, "a", NOW), one);
    assertThatThrownBy(() -> JwtValidator.validate(token, profile(), keys, NOW))
        .hasMessage("unknown key");
  }

  @Test
  void aProfileNeverAllowsHmacOrNone() {
    assertThatThrownBy(
            () ->
                new JwtProfile(
                    ISSUER, Set.of(AUDIENCE), Set.of("HS256"), null, Duration.ZERO, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HS256");
    assertThatThrownBy(
            () ->
                new JwtProfile(
                    ISSUER, Set.of(AUDIENCE), Set.of("none"), null, Duration.ZERO, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
