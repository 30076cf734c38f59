package io.meshgate.policy.headers;

import static io.meshgate.chain.Exchanges.PRODUCT;
import static io.meshgate.chain.Exchanges.app;
import static io.meshgate.chain.Exchanges.exchange;
import static io.meshgate.chain.Exchanges.headers;
import static io.meshgate.chain.Exchanges.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.HeaderList;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.proxy.GatewayHeaders;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HeadersPolicyTest {
  private final HeadersPolicyFactory.HeadersPolicy policy =
      new HeadersPolicyFactory.HeadersPolicy(GatewayHeaders.defaults());

  @Test
  void runsLast() {
    assertThat(policy.stage()).isEqualTo(PolicyStage.HEADERS);
    assertThat(PolicyStage.values()[PolicyStage.values().length - 1])
        .isEqualTo(PolicyStage.HEADERS);
  }

  @Test
  void setsTokenClientPlanAndProductReplacingAnySpelling() {
    ExchangeContext exchange =
        exchange(
            headers(
                "Authorization", "Basic Zm9vOmJhcg==", "X_Client_Plan", "forged", "Accept", "*/*"));
    exchange.app(app("shop-frontend"));
    exchange.plan(plan("gold", PRODUCT));
    exchange.gatewayAuthorization("Bearer eyJ.header.sig");

    assertThat(policy.onRequest(exchange)).isSameAs(PolicyResult.PROCEED);

    HeaderList upstream = exchange.upstreamHeaders();
    assertThat(upstream.all("authorization")).containsExactly("Bearer eyJ.header.sig");
    assertThat(upstream.all("x-client-id")).containsExactly("shop-frontend");
    assertThat(upstream.all("x-client-plan")).containsExactly("gold");
    assertThat(upstream.all("x-api-product")).containsExactly("product-10");
    assertThat(upstream.all("x-request-id")).hasSize(1);
    assertThat(upstream.first("accept")).isEqualTo("*/*");
  }

  @Test
  void withoutAppPlanOrTokenOnlyTheRequestIdIsSet() {
    ExchangeContext exchange = exchange(headers("Accept", "*/*"));

    policy.onRequest(exchange);

    HeaderList upstream = exchange.upstreamHeaders();
    assertThat(upstream.contains("authorization")).isFalse();
    assertThat(upstream.contains("x-client-id")).isFalse();
    assertThat(upstream.contains("x-client-plan")).isFalse();
    assertThat(upstream.contains("x-api-product")).isFalse();
    assertThat(upstream.count("x-request-id")).isEqualTo(1);
  }

  @Test
  void keepsAWellFormedSingleRequestId() {
    ExchangeContext exchange = exchange(headers("X-Request-Id", "abc-123.def:9_z"));

    policy.onRequest(exchange);

    assertThat(exchange.requestId()).isEqualTo("abc-123.def:9_z");
    assertThat(exchange.upstreamHeaders().all("x-request-id")).containsExactly("abc-123.def:9_z");
  }

  @Test
  void regeneratesAMalformedRequestId() {
    assertRegenerated(headers("x-request-id", "a b"));
    assertRegenerated(headers("x-request-id", "line\r\nX-Client-Plan: gold"));
    assertRegenerated(headers("x-request-id", ""));
    assertRegenerated(headers("x-request-id", "x".repeat(129)));
  }

  @Test
  void regeneratesADuplicatedRequestId() {
    assertRegenerated(headers("X-Request-Id", "one", "x_request_id", "two"));
  }

  @Test
  void generatesARequestIdWhenNoneWasSent() {
    assertRegenerated(headers());
  }

  @Test
  void keepsARequestIdTheGatewayAlreadyChose() {
    ExchangeContext exchange = exchange(headers("x-request-id", "client-id"));
    exchange.requestId("gateway-chosen");

    policy.onRequest(exchange);

    assertThat(exchange.upstreamHeaders().all("x-request-id")).containsExactly("gateway-chosen");
  }

  private void assertRegenerated(HeaderList sent) {
    ExchangeContext exchange = exchange(sent);
    policy.onRequest(exchange);
    String id = exchange.requestId();
    assertThat(UUID.fromString(id)).hasToString(id);
    assertThat(exchange.upstreamHeaders().all("x-request-id")).containsExactly(id);
  }
}
