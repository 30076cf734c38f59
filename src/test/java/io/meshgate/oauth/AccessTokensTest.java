package io.meshgate.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.token.GatewayKeys;
import io.meshgate.token.GatewaySigner;
import io.meshgate.token.Issuer;
import io.meshgate.token.KeySource;
import io.meshgate.token.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final String ISSUER = "https://gw.example";
  private PublicJsonWebKey key;

  @BeforeEach
  void setUp() throws Exception {
    key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    key.setKeyId("k1");
    key.setAlgorithm("ES256");
  }

  /** What the fake key set publishes; tests may replace it to model a key leaving the JWKS. */
  private volatile String jwks;

  /** Misses: how often verification reached for the key set. */
  private final AtomicInteger keyLookups = new AtomicInteger();

  private AccessTokens at(Instant now) {
    if (jwks == null) {
      jwks = "{\"keys\":[" + key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
    }
    AccessTokens t = new AccessTokens();
    PublicJsonWebKey k = key;
    SigningKeys signing =
        new SigningKeys() {
          @Override
          public ActiveKey active() {
            return new ActiveKey("k1", "ES256", k.getPrivateKey());
          }

          @Override
          public String jwksJson() {
            return jwks;
          }
        };
    t.signer = GatewaySigner.of(signing);
    GatewayKeys published = GatewayKeys.of(signing);
    java.util.Map<KeySource, KeySource> views = new java.util.concurrent.ConcurrentHashMap<>();
    t.gatewayKeys =
        new GatewayKeys() {
          @Override
          public KeySource current() {
            // One counting view per published key set, so that a cached verification still
            // matches the set it was made against.
            return views.computeIfAbsent(
                published.current(),
                set ->
                    kid -> {
                      keyLookups.incrementAndGet();
                      return set.key(kid);
                    });
          }

          @Override
          public String jwksJson() {
            return published.jwksJson();
          }
        };
    t.issuer =
        new Issuer() {
          @Override
          public String url() {
            return ISSUER;
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

  @Test
  void issuedTokenHasTheRfc9068Shape() throws Exception {
    String token = at(NOW).issue("c1", List.of("a", "b"));
    JsonWebSignature jws = new JsonWebSignature();
    jws.setCompactSerialization(token);
    assertThat(jws.getHeader("typ")).isEqualTo("at+jwt");
    assertThat(jws.getKeyIdHeaderValue()).isEqualTo("k1");
    assertThat(jws.getAlgorithmHeaderValue()).isEqualTo("ES256");
    JwtClaims claims = JwtClaims.parse(jws.getUnverifiedPayload());
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getSubject()).isEqualTo("c1");
    assertThat(claims.getStringClaimValue("client_id")).isEqualTo("c1");
    assertThat(claims.getAudience()).containsExactly(ISSUER);
    assertThat(claims.getIssuedAt().getValue()).isEqualTo(NOW.getEpochSecond());
    assertThat(claims.getExpirationTime().getValue()).isEqualTo(NOW.getEpochSecond() + 3600);
    assertThat(claims.getJwtId()).isNotBlank();
    assertThat(claims.getStringClaimValue("scope")).isEqualTo("a b");
  }

  @Test
  void aStreamOfCallsWithOneTokenVerifiesOneSignature() {
    AccessTokens tokens = at(NOW);
    String token = tokens.issue("c1", List.of());
    for (int i = 0; i < 1000; i++) {
      assertThat(tokens.verify(token)).isPresent();
    }
    assertThat(keyLookups).hasValue(1);
  }

  @Test
  void aKeyLeavingTheKeySetInvalidatesWhatItVerified() throws Exception {
    AccessTokens tokens = at(NOW);
    String token = tokens.issue("c1", List.of());
    assertThat(tokens.verify(token)).isPresent();
    PublicJsonWebKey other = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    other.setKeyId("k2");
    jwks = "{\"keys\":[" + other.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}";
    assertThat(tokens.verify(token)).isEmpty();
  }

  @Test
  void theSameKeySetReloadedAsANewStringKeepsTheCache() {
    AccessTokens tokens = at(NOW);
    String token = tokens.issue("c1", List.of());
    assertThat(tokens.verify(token)).isPresent();
    jwks = new String(jwks.toCharArray());
    assertThat(tokens.verify(token)).isPresent();
    assertThat(keyLookups).hasValue(1);
  }

  @Test
  void wrongIssuerOrAudienceIsRefused() throws Exception {
    AccessTokens tokens = at(NOW);
    assertThat(tokens.verify(sign(claims("https://evil.example", ISSUER), "at+jwt", "k1")))
        .isEmpty();
    assertThat(tokens.verify(sign(claims(ISSUER, "some-api"), "at+jwt", "k1"))).isEmpty();
    JwtClaims noAudience = claims(ISSUER, ISSUER);
    noAudience.unsetClaim("aud");
    assertThat(tokens.verify(sign(noAudience, "at+jwt", "k1"))).isEmpty();
    assertThat(tokens.verify(sign(claims(ISSUER, ISSUER), "at+jwt", "k1"))).isPresent();
  }

  @Test
  void configuredAudienceIsTheOneIssuedAndRequired() {
    AccessTokens gateway = at(NOW);
    AccessTokens custom = at(NOW);
    custom.configuredAudience = Optional.of("https://api.example/gateway");
    String token = custom.issue("c1", List.of());
    assertThat(custom.verify(token)).isPresent();
    assertThat(gateway.verify(token)).isEmpty();
    assertThat(custom.verify(gateway.issue("c1", List.of()))).isEmpty();
  }

  @Test
  void audienceListContainingTheGatewayIsAccepted() throws Exception {
    JwtClaims claims = claims(ISSUER, ISSUER);
    claims.setAudience("other", ISSUER);
    assertThat(at(NOW).verify(sign(claims, "at+jwt", "k1"))).isPresent();
  }

  @Test
  void aTokenClaimingALongerLifeIsRememberedNoLongerThanTheGatewaysTtl() throws Exception {
    JwtClaims claims = claims(ISSUER, ISSUER);
    claims.setExpirationTime(NumericDate.fromSeconds(NOW.getEpochSecond() + 10 * 86400));
    assertThat(at(NOW).verify(sign(claims, "at+jwt", "k1")))
        .hasValueSatisfying(v -> assertThat(v.expiresAt()).isEqualTo(NOW.plusSeconds(3600)));
    claims.setExpirationTime(NumericDate.fromSeconds(Long.MAX_VALUE / 2));
    assertThat(at(NOW).verify(sign(claims, "at+jwt", "k1"))).isPresent();
  }

  @Test
  void unknownOrMissingKidIsRefused() throws Exception {
    AccessTokens tokens = at(NOW);
    assertThat(tokens.verify(sign(claims(ISSUER, ISSUER), "at+jwt", "k2"))).isEmpty();
    // Signed by the one key of the set, but without naming it: never guessed.
    assertThat(tokens.verify(sign(claims(ISSUER, ISSUER), "at+jwt", null))).isEmpty();
  }

  @Test
  void typMayBeWrittenAsAMediaTypeButMustBeAtJwt() throws Exception {
    AccessTokens tokens = at(NOW);
    assertThat(tokens.verify(sign(claims(ISSUER, ISSUER), "application/at+jwt", "k1"))).isPresent();
    assertThat(tokens.verify(sign(claims(ISSUER, ISSUER), null, "k1"))).isEmpty();
    assertThat(tokens.verify(sign(claims(ISSUER, ISSUER), "id_token+jwt", "k1"))).isEmpty();
  }

  @Test
  void notBeforeIsCheckedWithTheSkew() throws Exception {
    AccessTokens tokens = at(NOW);
    JwtClaims soon = claims(ISSUER, ISSUER);
    soon.setNotBefore(NumericDate.fromSeconds(NOW.getEpochSecond() + 29));
    assertThat(tokens.verify(sign(soon, "at+jwt", "k1"))).isPresent();
    JwtClaims later = claims(ISSUER, ISSUER);
    later.setNotBefore(NumericDate.fromSeconds(NOW.getEpochSecond() + 31));
    assertThat(tokens.verify(sign(later, "at+jwt", "k1"))).isEmpty();
  }

  @Test
  void tokenWithoutExpiryOrClientIdIsRefused() throws Exception {
    AccessTokens tokens = at(NOW);
    JwtClaims forever = claims(ISSUER, ISSUER);
    forever.unsetClaim("exp");
    assertThat(tokens.verify(sign(forever, "at+jwt", "k1"))).isEmpty();
    JwtClaims nobody = claims(ISSUER, ISSUER);
    nobody.unsetClaim("client_id");
    assertThat(tokens.verify(sign(nobody, "at+jwt", "k1"))).isEmpty();
  }

  @Test
  void aJkuHeaderIsIgnoredTheKeyComesFromOurSet() throws Exception {
    JsonWebSignature jws = jws(claims(ISSUER, ISSUER), "at+jwt", "k1");
    jws.setHeader("jku", "https://attacker.example/jwks.json");
    jws.setHeader("x5u", "https://attacker.example/cert.pem");
    jws.setKey(key.getPrivateKey());
    // Valid with our key: the URLs are not fetched, and they make no difference.
    assertThat(at(NOW).verify(jws.getCompactSerialization())).isPresent();
  }

  @Test
  void anEmbeddedJwkIsNeverTrusted() throws Exception {
    PublicJsonWebKey attacker = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    JsonWebSignature jws = jws(claims(ISSUER, ISSUER), "at+jwt", "k1");
    jws.setJwkHeader(attacker);
    jws.setKey(attacker.getPrivateKey());
    assertThat(at(NOW).verify(jws.getCompactSerialization())).isEmpty();
  }

  @Test
  void onlyEs256AndRs256AreAccepted() throws Exception {
    RsaJsonWebKey rsa = RsaJwkGenerator.generateJwk(2048);
    rsa.setKeyId("r1");
    jwks =
        "{\"keys\":["
            + key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
            + ","
            + rsa.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
            + "]}";
    AccessTokens tokens = at(NOW);
    for (String alg : List.of("RS256", "RS384", "RS512", "PS256")) {
      JsonWebSignature jws = jws(claims(ISSUER, ISSUER), "at+jwt", "r1");
      jws.setAlgorithmHeaderValue(alg);
      jws.setKey(rsa.getPrivateKey());
      assertThat(tokens.verify(jws.getCompactSerialization()))
          .as(alg)
          .matches(v -> v.isPresent() == alg.equals("RS256"));
    }
  }

  @Test
  void hmacKeyedWithTheJwksJsonIsRefused() throws Exception {
    JsonWebSignature jws = jws(claims(ISSUER, ISSUER), "at+jwt", "k1");
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    jws.setKey(new HmacKey(jwks().getBytes(StandardCharsets.UTF_8)));
    jws.setDoKeyValidation(false);
    assertThat(at(NOW).verify(jws.getCompactSerialization())).isEmpty();
  }

  @Test
  void validlySignedTokenOverEightKibIsRefused() {
    AccessTokens tokens = at(NOW);
    String under = tokens.issue("c1", List.of("s".repeat(5800)));
    String over = tokens.issue("c1", List.of("s".repeat(6200)));
    assertThat(under.length()).isLessThanOrEqualTo(8192);
    assertThat(over.length()).isGreaterThan(8192);
    assertThat(tokens.verify(under)).isPresent();
    assertThat(tokens.verify(over)).isEmpty();
    assertThat(tokens.verify(null)).isEmpty();
    assertThat(tokens.verify("")).isEmpty();
  }

  private String jwks() {
    at(NOW); // initialises the published set
    return jwks;
  }

  private static JwtClaims claims(String issuer, String audience) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setAudience(audience);
    claims.setSubject("c1");
    claims.setClaim("client_id", "c1");
    claims.setIssuedAt(NumericDate.fromSeconds(NOW.getEpochSecond()));
    claims.setExpirationTime(NumericDate.fromSeconds(NOW.getEpochSecond() + 600));
    claims.setJwtId("j1");
    claims.setClaim("scope", "");
    return claims;
  }

  private static JsonWebSignature jws(JwtClaims claims, String typ, String kid) {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue("ES256");
    if (typ != null) {
      jws.setHeader("typ", typ);
    }
    if (kid != null) {
      jws.setKeyIdHeaderValue(kid);
    }
    return jws;
  }

  private String sign(JwtClaims claims, String typ, String kid) throws Exception {
    JsonWebSignature jws = jws(claims, typ, kid);
    jws.setKey(key.getPrivateKey());
    return jws.getCompactSerialization();
  }
}
