package io.meshgate.policy.token;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.token.SigningUnavailableException;
import io.meshgate.token.TokenService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** Builds the {@code token} policy on top of the shared {@link TokenService}. */
@ApplicationScoped
public class TokenPolicyFactory implements PolicyFactory<TokenPolicyConfig> {
  public static final String ID = "token";
  public static final String SIGNING_UNAVAILABLE = "TOKEN_SIGNING_UNAVAILABLE";

  @Inject TokenService tokens;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<TokenPolicyConfig> configType() {
    return TokenPolicyConfig.class;
  }

  @Override
  public List<Policy> create(TokenPolicyConfig config) {
    return List.of(new TokenPolicy(tokens, config.audience()));
  }

  static final class TokenPolicy implements Policy {
    private final TokenService tokens;
    private final String audience;

    TokenPolicy(TokenService tokens, String audience) {
      this.tokens = tokens;
      this.audience = audience;
    }

    @Override
    public PolicyStage stage() {
      return PolicyStage.TOKEN;
    }

    @Override
    public PolicyResult onRequest(ExchangeContext exchange) {
      if (exchange.app() == null || exchange.plan() == null) {
        return PolicyResult.reject(
            403,
            "TOKEN_SUBSCRIPTION_REQUIRED",
            "A gateway token needs an app with an active subscription");
      }
      try {
        exchange.gatewayAuthorization(
            tokens.authorizationFor(
                exchange.app(),
                exchange.api(),
                exchange.plan(),
                audience != null ? audience : exchange.api().audience(),
                exchange.endUser(),
                exchange.certificateThumbprint(),
                exchange.tokenScopes(),
                exchange.catalogGeneration()));
        return PolicyResult.proceed();
      } catch (SigningUnavailableException e) {
        return PolicyResult.reject(
            503, SIGNING_UNAVAILABLE, "The gateway cannot sign tokens right now");
      }
    }
  }
}
