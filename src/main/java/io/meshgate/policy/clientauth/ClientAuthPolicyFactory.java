package io.meshgate.policy.clientauth;

import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.oauth.AccessTokens;
import io.meshgate.support.SecretDigester;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** Builds {@code client-auth} policies that read credentials from the catalog caches. */
@ApplicationScoped
public class ClientAuthPolicyFactory implements PolicyFactory<ClientAuthPolicyConfig> {
  public static final String ID = "client-auth";

  @Inject CatalogCache catalog;
  @Inject SecretDigester digester;
  @Inject AccessTokens accessTokens;

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
    return List.of(
        new ClientAuthPolicy(
            config,
            digester,
            catalog::credentialByDigest,
            catalog::appById,
            catalog::appByClientId,
            token -> accessTokens.verify(token).map(AccessTokens.Verified::clientId)));
  }
}
