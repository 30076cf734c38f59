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
            IDP, IDP + "/jwks", List.of("orders"), null, appClaims, "at+jwt", null, null, null),
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
}
