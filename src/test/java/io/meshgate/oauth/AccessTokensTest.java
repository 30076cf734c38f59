package io.meshgate.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.token.Issuer;
import io.meshgate.token.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private PublicJsonWebKey key;

  @BeforeEach
  void setUp() throws Exception {
    key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    key.setKeyId("k1");
    key.setAlgorithm("ES256");
  }

  private AccessTokens at(Instant now) {
    AccessTokens t = new AccessTokens();
    PublicJsonWebKey k = key;
    t.keys =
        new SigningKeys() {
          @Override
          public ActiveKey active() {
            return new ActiveKey("k1", "ES256", k.getPrivateKey());
          }

          @Override
          public String jwksJson() {
            return "{\"keys\":[" + k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
          }
        };
    t.issuer =
        new Issuer() {
          @Override
          public String url() {
            return "https://gw.example";
          }
        };
    t.clock = Clock.fixed(now, ZoneOffset.UTC);
    t.ttlSeconds = 3600;
    t.configuredAudience = Optional.empty();
    t.skewSeconds = 30;
    t.cacheSize = 100;
    t.init();
    return t;
  }

  @Test
  void issuedTokenVerifiesWithItsClientAndScope() {
    AccessTokens tokens = at(NOW);
    String token = tokens.issue("c1", List.of("a", "b"));
    assertThat(tokens.verify(token))
        .hasValueSatisfying(
            v -> {
              assertThat(v.clientId()).isEqualTo("c1");
              assertThat(v.scope()).isEqualTo("a b");
            });
  }

  @Test
  void expiredBeyondTheSkewIsRefusedEvenWhenCached() {
    String token = at(NOW).issue("c1", List.of());
    assertThat(at(NOW.plusSeconds(3600 + 29)).verify(token)).isPresent();
    assertThat(at(NOW.plusSeconds(3600 + 31)).verify(token)).isEmpty();
    AccessTokens cached = at(NOW);
    assertThat(cached.verify(token)).isPresent();
    cached.clock = Clock.fixed(NOW.plusSeconds(3600 + 31), ZoneOffset.UTC);
    assertThat(cached.verify(token)).isEmpty();
  }

  @Test
  void noneHmacWrongTypeAndOversizedTokensAreRefused() throws Exception {
    AccessTokens tokens = at(NOW);
    String payload = tokens.issue("c1", List.of()).split("\\.")[1];
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    for (String alg : List.of("none", "None", "NONE", "nOnE")) {
      String none =
          b64.encodeToString(
                  ("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\"}").getBytes(StandardCharsets.UTF_8))
              + "."
              + payload
              + ".";
      assertThat(tokens.verify(none)).as(alg).isEmpty();
    }
    // HS256 keyed with the public key's bytes: the classic algorithm-confusion attack.
    JsonWebSignature hmac = new JsonWebSignature();
    hmac.setPayload(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    hmac.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    hmac.setHeader("typ", "at+jwt");
    hmac.setKeyIdHeaderValue("k1");
    hmac.setKey(new HmacKey(key.getPublicKey().getEncoded()));
    hmac.setDoKeyValidation(false);
    assertThat(tokens.verify(hmac.getCompactSerialization())).isEmpty();
    // Right key, wrong typ.
    JsonWebSignature plainJwt = new JsonWebSignature();
    plainJwt.setPayload(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    plainJwt.setAlgorithmHeaderValue("ES256");
    plainJwt.setHeader("typ", "JWT");
    plainJwt.setKeyIdHeaderValue("k1");
    plainJwt.setKey(key.getPrivateKey());
    assertThat(tokens.verify(plainJwt.getCompactSerialization())).isEmpty();
    assertThat(tokens.verify("x".repeat(9000))).isEmpty();
    assertThat(tokens.verify("not.a.jwt")).isEmpty();
  }

  @Test
  void signatureByAnotherKeyWithAJkuHeaderIsRefused() throws Exception {
    AccessTokens tokens = at(NOW);
    PublicJsonWebKey attacker = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    String payload = tokens.issue("c1", List.of()).split("\\.")[1];
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    jws.setAlgorithmHeaderValue("ES256");
    jws.setHeader("typ", "at+jwt");
    jws.setHeader("jku", "https://attacker.example/jwks.json");
    jws.setKeyIdHeaderValue("k1");
    jws.setKey(attacker.getPrivateKey());
    assertThat(tokens.verify(jws.getCompactSerialization())).isEmpty();
  }
}
