package io.meshgate.policy.accesslist;

import static io.meshgate.chain.Exchanges.app;
import static io.meshgate.chain.Exchanges.exchangeFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessListPolicyFactoryTest {
  private final AccessListPolicyFactory factory = new AccessListPolicyFactory();

  @Test
  void idIsStable() {
    assertThat(factory.id()).isEqualTo("access-list");
    assertThat(factory.configType()).isEqualTo(AccessListPolicyConfig.class);
  }

  @Test
  void emptyConfigBuildsNoPolicy() {
    assertThat(factory.create(config(null, null, null, null))).isEmpty();
  }

  @Test
  void ipListsAloneBuildOnePolicyAtAccessListStage() {
    List<Policy> policies = factory.create(config(List.of("10.0.0.0/8"), null, null, null));
    assertThat(policies).extracting(Policy::stage).containsExactly(PolicyStage.ACCESS_LIST);
  }

  @Test
  void ipAndClientListsBuildOnePolicyPerStage() {
    List<Policy> policies =
        factory.create(config(null, List.of("192.0.2.1"), List.of("good"), null));
    assertThat(policies)
        .extracting(Policy::stage)
        .containsExactly(PolicyStage.ACCESS_LIST, PolicyStage.CLIENT_ACCESS);
  }

  @Test
  void denyWinsOverAllow() {
    Policy ip = single(config(List.of("10.0.0.0/8"), List.of("10.6.6.0/24"), null, null));

    assertThat(ip.onRequest(exchangeFrom("10.1.1.1"))).isSameAs(PolicyResult.PROCEED);
    assertThat(ip.onRequest(exchangeFrom("10.6.6.6")))
        .isEqualTo(
            PolicyResult.reject(
                403, "ACCESS_DENIED", "Calls from 10.6.6.6 are not allowed for this API"));
  }

  @Test
  void allowListAdmitsOnlyWhatItLists() {
    Policy ip = single(config(List.of("10.0.0.0/8", "2001:db8::/32"), null, null, null));

    assertThat(ip.onRequest(exchangeFrom("10.200.0.1"))).isSameAs(PolicyResult.PROCEED);
    assertThat(ip.onRequest(exchangeFrom("2001:db8::5"))).isSameAs(PolicyResult.PROCEED);
    assertThat(ip.onRequest(exchangeFrom("192.0.2.1")))
        .isEqualTo(
            PolicyResult.reject(
                403, "ACCESS_DENIED", "Calls from 192.0.2.1 are not allowed for this API"));
    assertThat(ip.onRequest(exchangeFrom("2001:db9::1")))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class, r -> assertThat(r.errorKey()).isEqualTo("ACCESS_DENIED"));
  }

  @Test
  void denyListAloneAdmitsEverythingElse() {
    Policy ip = single(config(null, List.of("192.0.2.0/24"), null, null));

    assertThat(ip.onRequest(exchangeFrom("198.51.100.1"))).isSameAs(PolicyResult.PROCEED);
    assertThat(ip.onRequest(exchangeFrom("192.0.2.77"))).isInstanceOf(PolicyResult.Reject.class);
  }

  @Test
  void ipv4MappedClientCannotSlipPastAnIpv4Deny() {
    Policy ip = single(config(null, List.of("10.0.0.0/8"), null, null));

    assertThat(ip.onRequest(exchangeFrom("::ffff:10.1.2.3")))
        .isEqualTo(
            PolicyResult.reject(
                403, "ACCESS_DENIED", "Calls from 10.1.2.3 are not allowed for this API"));
  }

  @Test
  void clientIdDenyWinsOverAllow() {
    Policy clients = single(config(null, null, List.of("alpha", "beta"), List.of("beta")));
    assertThat(clients.stage()).isEqualTo(PolicyStage.CLIENT_ACCESS);

    assertThat(clients.onRequest(withApp("alpha"))).isSameAs(PolicyResult.PROCEED);
    assertThat(clients.onRequest(withApp("beta")))
        .isEqualTo(
            PolicyResult.reject(
                403, "ACCESS_DENIED", "This client is not allowed to call this API"));
    assertThat(clients.onRequest(withApp("gamma")))
        .isEqualTo(
            PolicyResult.reject(
                403, "ACCESS_DENIED", "This client is not allowed to call this API"));
  }

  @Test
  void clientIdDenyListAloneAdmitsOthers() {
    Policy clients = single(config(null, null, null, List.of("mallory")));

    assertThat(clients.onRequest(withApp("alice"))).isSameAs(PolicyResult.PROCEED);
    assertThat(clients.onRequest(withApp("mallory"))).isInstanceOf(PolicyResult.Reject.class);
  }

  @Test
  void clientIdCheckFailsClosedWithoutAnAuthenticatedApp() {
    Policy clients = single(config(null, null, null, List.of("mallory")));

    assertThat(clients.onRequest(exchangeFrom("192.0.2.1")))
        .isEqualTo(
            PolicyResult.reject(
                403, "ACCESS_DENIED", "This client is not allowed to call this API"));
  }

  @Test
  void invalidBlocksAreNamedByFieldAndIndex() {
    assertThatThrownBy(
            () ->
                factory.create(
                    config(
                        List.of("10.0.0.0/33"), List.of("10.0.0.0/8", "example.com"), null, null)))
        .isInstanceOfSatisfying(
            InvalidPolicyConfigException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(
                        "allowIps[0]: prefix length must be between 0 and 32 (was '10.0.0.0/33')",
                        "denyIps[1]: must be an IP address or CIDR block (was 'example.com')"));
  }

  @Test
  void invalidDenyEntryMessage() {
    assertThatThrownBy(
            () ->
                factory.create(
                    config(null, List.of("10.0.0.0/8", "::ffff:1.2.3.4/64"), null, null)))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage(
            "denyIps[1]: an IPv4-mapped block needs a prefix of at least 96 (was '::ffff:1.2.3.4/64')");
  }

  private Policy single(AccessListPolicyConfig config) {
    List<Policy> policies = factory.create(config);
    assertThat(policies).hasSize(1);
    return policies.get(0);
  }

  private static ExchangeContext withApp(String clientId) {
    ExchangeContext exchange = exchangeFrom("192.0.2.1");
    exchange.app(app(clientId));
    return exchange;
  }

  private static AccessListPolicyConfig config(
      List<String> allowIps,
      List<String> denyIps,
      List<String> allowClientIds,
      List<String> denyClientIds) {
    return new AccessListPolicyConfig(allowIps, denyIps, allowClientIds, denyClientIds);
  }
}
