package io.meshgate.policy.headers;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.HeaderList;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.proxy.GatewayHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** Builds the {@code headers} policy. */
@ApplicationScoped
public class HeadersPolicyFactory implements PolicyFactory<HeadersPolicyConfig> {
  public static final String ID = "headers";

  @Inject GatewayHeaders names;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<HeadersPolicyConfig> configType() {
    return HeadersPolicyConfig.class;
  }

  @Override
  public List<Policy> create(HeadersPolicyConfig config) {
    return List.of(new HeadersPolicy(names));
  }

  /** Sets the gateway's headers on the upstream request. */
  public static final class HeadersPolicy implements Policy {
    private final GatewayHeaders names;

    public HeadersPolicy(GatewayHeaders names) {
      this.names = names;
    }

    static final String CLIENT_CERT_HEADER = "x-meshgate-client-cert-sha256";

    @Override
    public PolicyStage stage() {
      return PolicyStage.HEADERS;
    }

    @Override
    public PolicyResult onRequest(ExchangeContext exchange) {
      HeaderList upstream = exchange.upstreamHeaders();
      if (exchange.gatewayAuthorization() != null) {
        upstream.set("Authorization", exchange.gatewayAuthorization());
      }
      if (exchange.app() != null) {
        upstream.set(names.clientId(), exchange.app().clientId());
      }
      if (exchange.certificateThumbprint() != null) {
        // The app authenticated with this client certificate (the token's cnf.x5t#S256). The
        // x-meshgate- prefix is reserved: a client's own header of that name never gets through.
        upstream.set(CLIENT_CERT_HEADER, exchange.certificateThumbprint());
      }
      if (exchange.plan() != null) {
        upstream.set(names.clientPlan(), exchange.plan().name());
        upstream.set(names.apiProduct(), exchange.plan().productName());
      }
      String requestId = exchange.requestId();
      if (requestId == null) {
        requestId = names.requestIdOf(exchange.requestHeaders());
        exchange.requestId(requestId);
      }
      upstream.set(names.requestId(), requestId);
      return PolicyResult.proceed();
    }
  }
}
