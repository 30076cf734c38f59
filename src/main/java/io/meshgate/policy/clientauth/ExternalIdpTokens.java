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

  /** A person's id travels in every mesh token made for them; ids are far shorter in practice. */
  static final int MAX_SUBJECT_CHARS = 255;

  private final JwtProfile profile;
  private final KeySource keys;
  private final List<String> appClaims;
  private final String appClientIdPrefix;
  private final Clock clock;

  ExternalIdpTokens(ClientAuthPolicyConfig.ExternalJwt config, KeySource keys, Clock clock) {
    this.profile =
        new JwtProfile(
            config.issuer(),
            Set.copyOf(config.audiences()),
            Set.copyOf(config.algorithms()),
            config.type() == null ? null : config.type().replaceFirst("(?i)^application/", ""),
            Duration.ofSeconds(config.clockSkewSeconds()),
            true);
    this.keys = keys;
    this.appClaims = config.appClaims();
    this.appClientIdPrefix = config.appClientIdPrefix() == null ? "" : config.appClientIdPrefix();
    this.clock = clock;
  }

  @Override
  public Identity verify(String token) {
    JwtClaims claims = JwtValidator.validate(token, profile, keys, clock.instant());
    try {
      String clientId = null;
      for (String claim : appClaims) {
        if (claims.hasClaim(claim)) {
          if (!claims.isClaimValueString(claim)) {
            throw new InvalidTokenException("claim '" + claim + "' is not a string");
          }
          clientId = claims.getStringClaimValue(claim);
          break;
        }
      }
      if (clientId == null || clientId.isEmpty()) {
        throw new InvalidTokenException(
            "token names no client (" + String.join(", ", appClaims) + ")");
      }
      String subject = claims.getSubject();
      if (subject.length() > MAX_SUBJECT_CHARS) {
        throw new InvalidTokenException("subject longer than " + MAX_SUBJECT_CHARS + " characters");
      }
      return new Identity(
          appClientIdPrefix + clientId, scopes(claims), new EndUser(subject, claims.getIssuer()));
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
