package io.meshgate.policy.clientauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.chain.EndUser;
import io.meshgate.token.BadTokens;
import io.meshgate.token.InvalidTokenException;
import io.meshgate.token.JwksKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExternalIdpTokensTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final String IDP = "https://idp.example";
  private final BadTokens.Signer idpKey = BadTokens.generate("idp-1", "RS256");

  private ExternalIdpTokens tokens(List<String> appClaims) {
    return new ExternalIdpTokens(
        new ClientAuthPolicyConfig.ExternalJwt(
            IDP,
            IDP + "/jwks",
            List.of("orders"),
            null,
            appClaims,
            "application/at+jwt",
            null,
            null,
            null,
            null,
            null),
        JwksKeys.parse(BadTokens.jwks(idpKey)),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private String token(Map<String, Object> extra) {
    Map<String, Object> claims = BadTokens.claims(IDP, "orders", "alice", NOW);
    claims.putAll(extra);
    return BadTokens.sign(BadTokens.headerOf(idpKey, "at+jwt"), claims, idpKey);
  }

  @Test
  void theAppIsNamedByAzpThenClientIdAndThePersonBySub() {
    BearerTokens.Identity id =
        tokens(null).verify(token(Map.of("azp", "shop", "client_id", "other", "scope", "a b")));
    assertThat(id.clientId()).isEqualTo("shop");
    assertThat(id.endUser()).isEqualTo(new EndUser("alice", IDP));
    assertThat(id.scopes()).containsExactlyInAnyOrder("a", "b");

    assertThat(tokens(null).verify(token(Map.of("client_id", "other"))).clientId())
        .isEqualTo("other");
  }

  @Test
  void scpAsAListOrAStringCountsAsScopes() {
    assertThat(tokens(null).verify(token(Map.of("azp", "shop", "scp", List.of("x", "y")))).scopes())
        .containsExactlyInAnyOrder("x", "y");
    assertThat(tokens(null).verify(token(Map.of("azp", "shop", "scp", "z"))).scopes())
        .containsExactly("z");
  }

  @Test
  void aConfiguredClaimReplacesTheDefaults() {
    assertThat(
            tokens(List.of("tenant_app"))
                .verify(token(Map.of("azp", "shop", "tenant_app", "t1")))
                .clientId())
        .isEqualTo("t1");
  }

  @Test
  void aTokenNamingNoClientIsRefused() {
    assertThatThrownBy(() -> tokens(null).verify(token(Map.of())))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessage("token names no client (azp, client_id)");
  }

  @Test
  void aTokenWithoutSubjectIsRefused() {
    Map<String, Object> claims = BadTokens.claims(IDP, "orders", "alice", NOW);
    claims.remove("sub");
    claims.put("azp", "shop");
    String token = BadTokens.sign(BadTokens.headerOf(idpKey, "at+jwt"), claims, idpKey);
    assertThatThrownBy(() -> tokens(null).verify(token)).hasMessage("token has no subject");
  }

  @Test
  void aClientClaimThatIsNotAStringIsRefusedNotSkipped() {
    assertThatThrownBy(
            () -> tokens(null).verify(token(Map.of("azp", List.of("shop"), "client_id", "other"))))
        .hasMessage("claim 'azp' is not a string");
  }

  @Test
  void anOverlongSubjectIsRefused() {
    Map<String, Object> claims = BadTokens.claims(IDP, "orders", "x".repeat(256), NOW);
    claims.put("azp", "shop");
    String token = BadTokens.sign(BadTokens.headerOf(idpKey, "at+jwt"), claims, idpKey);
    assertThatThrownBy(() -> tokens(null).verify(token))
        .hasMessage("subject longer than 255 characters");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "http://idp.example/jwks|false|jwt.jwksUrl: must be https, or http to the loopback, unless allowHttp is set (was http://idp.example/jwks)",
        "http:///jwks|false|jwt.jwksUrl: must be an http or https URL with a host (was http:///jwks)",
        "ftp://idp.example/jwks|true|jwt.jwksUrl: must be an http or https URL with a host (was ftp://idp.example/jwks)",
      })
  void aKeySetUrlAnyoneOnThePathCouldAnswerIsRefused(
      String url, boolean allowHttp, String message) {
    assertThatThrownBy(() -> ClientAuthPolicyFactory.jwksUrl(config(url, allowHttp)))
        .isInstanceOf(io.meshgate.chain.InvalidPolicyConfigException.class)
        .hasMessage(message);
  }

  @Test
  void httpsLoopbackOrAnExplicitAllowHttpAreAccepted() {
    assertThat(ClientAuthPolicyFactory.jwksUrl(config("https://idp.example/jwks", false)))
        .hasHost("idp.example");
    assertThat(ClientAuthPolicyFactory.jwksUrl(config("http://127.0.0.1:8080/jwks", false)))
        .hasPort(8080);
    assertThat(ClientAuthPolicyFactory.jwksUrl(config("http://keycloak.idp:8080/jwks", true)))
        .hasHost("keycloak.idp");
  }

  private static ClientAuthPolicyConfig.ExternalJwt config(String url, boolean allowHttp) {
    return new ClientAuthPolicyConfig.ExternalJwt(
        IDP, url, List.of("orders"), null, null, null, null, null, null, allowHttp, null);
  }

  @Test
  void aPrefixKeepsTheProviderToItsOwnApps() {
    ExternalIdpTokens prefixed =
        new ExternalIdpTokens(
            new ClientAuthPolicyConfig.ExternalJwt(
                IDP,
                IDP + "/jwks",
                List.of("orders"),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "kc:"),
            JwksKeys.parse(BadTokens.jwks(idpKey)),
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(prefixed.verify(token(Map.of("azp", "shop"))).clientId()).isEqualTo("kc:shop");
  }
}
