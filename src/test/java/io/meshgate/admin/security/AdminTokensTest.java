package io.meshgate.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.token.BadTokens;
import io.meshgate.token.ExternalKeySets;
import io.meshgate.token.Issuer;
import io.meshgate.token.JwksServer;
import io.meshgate.token.SigningKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminTokensTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private PublicJsonWebKey key;
  private AdminTokens tokens;

  @BeforeEach
  void setUp() throws Exception {
    key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    key.setKeyId("k1");
    key.setAlgorithm("ES256");
    tokens = at(NOW);
  }

  private AdminTokens at(Instant now) {
    AdminTokens t = new AdminTokens();
    PublicJsonWebKey k = key;
    SigningKeys signing =
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
    t.adminClientId = "admin";
    t.adminClientSecret = Optional.of("s3cret");
    t.viewerClientId = "viewer";
    t.viewerClientSecret = Optional.empty();
    t.audience = "meshgate-admin";
    t.ttlSeconds = 900;
    t.skewSeconds = 30;
    t.externalIssuer = Optional.empty();
    t.externalJwksUrl = Optional.empty();
    t.keystorePassword = Optional.of("keystore-password");
    t.groupsClaim = "groups";
    t.gatewayKeys = io.meshgate.token.GatewayKeys.of(signing);
    t.signer = io.meshgate.token.GatewaySigner.of(signing);
    return t;
  }

  @Test
  void issuedTokenVerifiesWithItsGroups() {
    String token = tokens.issue("admin", Set.of(AdminCaller.ADMIN));
    AdminCaller caller = tokens.verify(token);
    assertThat(caller.subject()).isEqualTo("admin");
    assertThat(caller.canWrite()).isTrue();
  }

  @Test
  void tokenIsAcceptedWithinTheSkewAndRefusedAsExpiredBeyondIt() {
    String token = tokens.issue("admin", Set.of(AdminCaller.ADMIN));
    assertThat(at(NOW.plusSeconds(900 + 29)).verify(token).subject()).isEqualTo("admin");
    assertThatThrownBy(() -> at(NOW.plusSeconds(900 + 31)).verify(token))
        .hasMessage("token expired");
  }

  @Test
  void bootstrapCredentialsMustMatchAndAClientWithoutSecretNeverAuthenticates() {
    assertThat(tokens.authenticateClient("admin", "s3cret")).contains(Set.of(AdminCaller.ADMIN));
    assertThat(tokens.authenticateClient("admin", "wrong")).isEmpty();
    assertThat(tokens.authenticateClient("viewer", "")).isEmpty();
  }

  @Test
  void noneAlgorithmAndOversizedTokensAreRefused() {
    String token = tokens.issue("admin", Set.of(AdminCaller.ADMIN));
    String payload = token.split("\\.")[1];
    String none =
        Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
            + "."
            + payload
            + ".";
    assertThatThrownBy(() -> tokens.verify(none)).hasMessage("token is not signed");
    assertThatThrownBy(() -> tokens.verify(none + token.split("\\.")[2]))
        .hasMessage("algorithm not allowed");
    assertThatThrownBy(() -> tokens.verify("x".repeat(9000))).hasMessage("token too large");
  }

  @Test
  void wrongAudienceIsRefused() {
    String token = tokens.issue("admin", Set.of(AdminCaller.ADMIN));
    AdminTokens other = at(NOW);
    other.audience = "someone-else";
    assertThatThrownBy(() -> other.verify(token)).hasMessage("wrong audience");
  }

  @Test
  void anExternalIssuersTokensAreVerifiedAgainstItsKeySetAndTheGatewaysAreNot() {
    try (JwksServer idp = new JwksServer()) {
      BadTokens.Signer idpKey = BadTokens.generate("idp-1", "RS256");
      idp.serve(BadTokens.jwks(idpKey));
      AdminTokens external = at(NOW);
      external.externalIssuer = Optional.of("https://idp.example");
      external.externalJwksUrl = Optional.of(idp.jwksUrl().toString());
      external.externalAlgorithms = java.util.List.of("RS256");
      external.externalType = Optional.empty();
      external.jwksRefreshSeconds = 900;
      external.unknownKidRefetchSeconds = 60;
      external.keySets = ExternalKeySets.using(Clock.fixed(NOW, ZoneOffset.UTC));
      external.init();

      java.util.Map<String, Object> claims =
          BadTokens.claims("https://idp.example", "meshgate-admin", "ops@example.com", NOW);
      claims.put("groups", java.util.List.of("meshgate-viewer"));
      String token = BadTokens.sign(BadTokens.headerOf(idpKey, "JWT"), claims, idpKey);

      AdminCaller caller = external.verify(token);
      assertThat(caller.subject()).isEqualTo("ops@example.com");
      assertThat(caller.canRead()).isTrue();
      assertThat(caller.canWrite()).isFalse();
      assertThatThrownBy(() -> external.verify(tokens.issue("admin", Set.of(AdminCaller.ADMIN))))
          .hasMessage("algorithm not allowed");
      assertThat(external.authenticateClient("admin", "s3cret")).isEmpty();
    }
  }

  @Test
  void badExternalSettingsRefuseEveryTokenInsteadOfFailingEachRequest() {
    AdminTokens external = at(NOW);
    external.externalIssuer = Optional.of("https://idp.example");
    external.externalJwksUrl = Optional.of("http://idp.example/jwks");
    external.externalAlgorithms = java.util.List.of("HS256");
    external.externalType = Optional.empty();
    external.jwksRefreshSeconds = 900;
    external.unknownKidRefetchSeconds = 60;
    external.keySets = ExternalKeySets.using(Clock.fixed(NOW, ZoneOffset.UTC));
    external.init(); // plain http to another host: no key set is trusted
    assertThatThrownBy(() -> external.verify("a.b.c"))
        .isInstanceOf(AdminTokens.InvalidAdminTokenException.class)
        .hasMessage("the admin token settings are not valid");
  }
}
