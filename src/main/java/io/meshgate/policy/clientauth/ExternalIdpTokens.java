package io.meshgate.policy.clientauth;

import io.meshgate.chain.EndUser;
import io.meshgate.token.InvalidTokenException;
import io.meshgate.token.JwtProfile;
import io.meshgate.token.JwtValidator;
import io.meshgate.token.KeySource;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/**
 * End-user tokens of an external identity provider, verified with the shared {@link JwtValidator}
 * against the provider's key set. The app is the client the token was issued to (the first of the
 * configured claims present, {@code azp} then {@code client_id} by default); the person is its
 * {@code sub}; its scopes are {@code scope} (space-separated) or {@code scp} (a list or a string).
 */
final class ExternalIdpTokens implements BearerTokens {
  static final String CLAIM_SCOPE = "scope";
  static final String CLAIM_SCP = "scp";

  private final JwtProfile profile;
  private final KeySource keys;
  private final List<String> appClaims;
  private final Clock clock;

  ExternalIdpTokens(ClientAuthPolicyConfig.ExternalJwt config, KeySource keys, Clock clock) {
    this.profile =
        new JwtProfile(
            config.issuer(),
            Set.copyOf(config.audiences()),
            Set.copyOf(config.algorithms()),
            config.type(),
            Duration.ofSeconds(config.clockSkewSeconds()),
            true);
    this.keys = keys;
    this.appClaims = config.appClaims();
    this.clock = clock;
  }

  @Override
  public Identity verify(String token) {
    JwtClaims claims = JwtValidator.validate(token, profile, keys, clock.instant());
    try {
      String clientId = null;
      for (String claim : appClaims) {
        if (claims.hasClaim(claim) && claims.isClaimValueString(claim)) {
          clientId = claims.getStringClaimValue(claim);
          break;
        }
      }
      if (clientId == null || clientId.isEmpty()) {
        throw new InvalidTokenException(
            "token names no client (" + String.join(", ", appClaims) + ")");
      }
      return new Identity(
          clientId, scopes(claims), new EndUser(claims.getSubject(), claims.getIssuer()));
    } catch (MalformedClaimException e) {
      throw new InvalidTokenException("malformed claim");
    }
  }

  private static Set<String> scopes(JwtClaims claims) throws MalformedClaimException {
    Set<String> scopes = new LinkedHashSet<>();
    if (claims.hasClaim(CLAIM_SCOPE)) {
      scopes.addAll(split(claims.getStringClaimValue(CLAIM_SCOPE)));
    }
    if (claims.hasClaim(CLAIM_SCP)) {
      if (claims.isClaimValueStringList(CLAIM_SCP)) {
        scopes.addAll(claims.getStringListClaimValue(CLAIM_SCP));
      } else {
        scopes.addAll(split(claims.getStringClaimValue(CLAIM_SCP)));
      }
    }
    return scopes;
  }

  static List<String> split(String scope) {
    return scope == null || scope.isBlank()
        ? List.of()
        : Arrays.stream(scope.trim().split(" +")).toList();
  }
}
