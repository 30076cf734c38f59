package io.meshgate.policy.clientauth;

import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.oauth.AccessTokens;
import io.meshgate.support.SecretDigester;
import io.meshgate.token.ExternalKeySets;
import io.meshgate.token.RemoteJwks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Builds {@code client-auth} policies that read credentials from the catalog caches. */
@ApplicationScoped
public class ClientAuthPolicyFactory implements PolicyFactory<ClientAuthPolicyConfig> {
  public static final String ID = "client-auth";

  @Inject CatalogCache catalog;
  @Inject SecretDigester digester;
  @Inject AccessTokens accessTokens;
  @Inject ExternalKeySets keySets;
  @Inject Clock clock;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<ClientAuthPolicyConfig> configType() {
    return ClientAuthPolicyConfig.class;
  }

  @Override
  public List<Policy> create(ClientAuthPolicyConfig config) {
    BearerTokens bearer = BearerTokens.NONE;
    if (config.methods().contains(ClientAuthPolicyConfig.OAUTH2)) {
      bearer =
          token -> {
            AccessTokens.Verified v = accessTokens.check(token);
            return new BearerTokens.Identity(
                v.clientId(), Set.copyOf(ExternalIdpTokens.split(v.scope())), null);
          };
    }
    if (config.methods().contains(ClientAuthPolicyConfig.JWT)) {
      ClientAuthPolicyConfig.ExternalJwt jwt = config.jwt();
      if (jwt == null) {
        throw new InvalidPolicyConfigException("jwt: is required when methods include jwt");
      }
      URI jwksUrl = jwksUrl(jwt);
      BearerTokens external =
          new ExternalIdpTokens(
              jwt,
              keySets.forUrl(
                  jwksUrl,
                  Duration.ofSeconds(jwt.jwksRefreshSeconds()),
                  Duration.ofSeconds(jwt.unknownKidRefetchSeconds())),
              clock);
      bearer = bearer == BearerTokens.NONE ? external : BearerTokens.either(bearer, external);
    } else if (config.jwt() != null) {
      throw new InvalidPolicyConfigException("jwt: is set but methods do not include jwt");
    }
    return List.of(
        new ClientAuthPolicy(
            config,
            digester,
            catalog::credentialByDigest,
            catalog::appById,
            catalog::appByClientId,
            bearer));
  }

  /** The key-set URL, or the reason it cannot be trusted, naming the field. */
  static URI jwksUrl(ClientAuthPolicyConfig.ExternalJwt jwt) {
    try {
      return RemoteJwks.trustedUrl(jwt.jwksUrl(), jwt.allowHttp());
    } catch (IllegalArgumentException e) {
      throw new InvalidPolicyConfigException("jwt.jwksUrl: " + e.getMessage());
    }
  }
}
