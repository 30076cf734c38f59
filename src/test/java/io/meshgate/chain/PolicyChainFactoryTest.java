package io.meshgate.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.runtime.ApiSnapshot.PolicyStepSnapshot;
import io.meshgate.policy.accesslist.AccessListPolicyFactory;
import io.meshgate.policy.subscription.SubscriptionPolicyFactory;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyChainFactoryTest {
  private ValidatorFactory validation;
  private PolicyChainFactory factory;

  /** A registry over real factories that need no infrastructure. */
  static final class FixedRegistry extends PolicyRegistry {
    private final Map<String, PolicyFactory<?>> byId;

    FixedRegistry(PolicyFactory<?>... factories) {
      java.util.TreeMap<String, PolicyFactory<?>> map = new java.util.TreeMap<>();
      for (PolicyFactory<?> f : factories) {
        map.put(f.id(), f);
      }
      byId = map;
    }

    @Override
    public Optional<PolicyFactory<?>> find(String id) {
      return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Set<String> ids() {
      return new TreeSet<>(byId.keySet());
    }
  }

  @BeforeEach
  void setUp() {
    validation = Validation.buildDefaultValidatorFactory();
    factory = new PolicyChainFactory();
    factory.registry =
        new FixedRegistry(new AccessListPolicyFactory(), new SubscriptionPolicyFactory());
    factory.validator = validation.getValidator();
    factory.init();
  }

  @AfterEach
  void tearDown() {
    validation.close();
  }

  @Test
  void accessListStepWithBothListsRunsAtTwoStagesAndSubscriptionBetweenThem() {
    PolicyChain chain =
        factory.build(
            List.of(
                new PolicyStepSnapshot(0, "subscription", null),
                new PolicyStepSnapshot(
                    1,
                    "access-list",
                    "{\"allowIps\":[\"10.0.0.0/8\"],\"denyClientIds\":[\"bad\"]}")));

    assertThat(chain.stages())
        .containsExactly(
            PolicyStage.ACCESS_LIST, PolicyStage.CLIENT_ACCESS, PolicyStage.SUBSCRIPTION);
  }

  @Test
  void unknownPolicyIsNamedWithTheKnownIds() {
    assertThatThrownBy(() -> factory.build(List.of(new PolicyStepSnapshot(0, "rate-limitt", "{}"))))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage(
            "steps[0].policy: unknown policy 'rate-limitt' (known: [access-list, subscription])");
  }

  @Test
  void everyBadStepIsReportedWithItsIndexAndConfigPath() {
    assertThatThrownBy(
            () ->
                factory.build(
                    List.of(
                        new PolicyStepSnapshot(0, "subscription", "{\"x\":1}"),
                        new PolicyStepSnapshot(
                            1, "access-list", "{\"denyIps\":[\"10.0.0.0/8\",\"example.com\"]}"),
                        new PolicyStepSnapshot(2, "nope", null))))
        .isInstanceOfSatisfying(
            InvalidPolicyConfigException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(
                        "steps[0].config: not valid for this policy: Json property x can not be mapped to a"
                            + " class class io.meshgate.policy.subscription.SubscriptionPolicyConfig.",
                        "steps[1].config.denyIps[1]: must be an IP address or CIDR block (was 'example.com')",
                        "steps[2].policy: unknown policy 'nope' (known: [access-list, subscription])"));
  }

  @Test
  void chainIsBuiltOncePerRevision() {
    ApiSnapshot r1 = api(1, List.of(new PolicyStepSnapshot(0, "subscription", null)));
    PolicyChain first = factory.chainFor(r1);
    assertThat(factory.chainFor(api(1, List.of(new PolicyStepSnapshot(0, "subscription", null)))))
        .isSameAs(first);

    ApiSnapshot r2 =
        api(
            2,
            List.of(new PolicyStepSnapshot(0, "access-list", "{\"denyIps\":[\"192.0.2.0/24\"]}")));
    assertThat(factory.chainFor(r2).stages()).containsExactly(PolicyStage.ACCESS_LIST);
  }

  private static ApiSnapshot api(long revision, List<PolicyStepSnapshot> steps) {
    ApiSnapshot base = Exchanges.api();
    return new ApiSnapshot(
        base.id(),
        base.name(),
        base.version(),
        base.basePath(),
        base.upstreamUrl(),
        base.audience(),
        null,
        null,
        revision,
        steps,
        base.productIds());
  }
}
