package io.meshgate.policy.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.catalog.runtime.PlanSnapshot;
import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.Exchanges;
import io.meshgate.chain.HeaderList;
import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyConfigReader;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Config rules (with exact messages) and decisions of {@code scope}. */
class ScopePolicyTest {
  private static final String ORDERS =
      "{\"operations\":["
          + "{\"method\":\"POST\",\"path\":\"/orders/**\",\"scopes\":[\"orders:write\"]},"
          + "{\"method\":\"GET\",\"path\":\"/orders/{id}\",\"scopes\":[\"orders:read\"]}]}";
  private static final PlanSnapshot READ_WRITE =
      new PlanSnapshot(1, "gold", 10, "shop", List.of("orders:read", "orders:write"), 300);
  private static final PlanSnapshot READ_ONLY =
      new PlanSnapshot(2, "silver", 10, "shop", List.of("orders:read"), 300);
  private static ValidatorFactory validation;
  private static PolicyConfigReader reader;

  @BeforeAll
  static void start() {
    validation = Validation.buildDefaultValidatorFactory();
    reader = new PolicyConfigReader(validation.getValidator());
  }

  @AfterAll
  static void stop() {
    validation.close();
  }

  private static Policy policy(String json) {
    return new ScopePolicyFactory().create(reader.read(json, ScopePolicyConfig.class)).get(0);
  }

  private static ExchangeContext call(
      String method, String path, PlanSnapshot plan, Set<String> tokenScopes) {
    HeaderList none = new HeaderList();
    ExchangeContext exchange =
        new ExchangeContext(
            Exchanges.NOW,
            method,
            Exchanges.api(),
            path,
            null,
            Exchanges.ip("203.0.113.7"),
            none,
            none);
    if (plan != null) {
      exchange.plan(plan);
    }
    exchange.tokenScopes(tokenScopes);
    return exchange;
  }

  @Test
  void runsAfterTheSubscriptionAndBeforeTheLimits() {
    assertThat(policy(ORDERS).stage()).isEqualTo(PolicyStage.SCOPE);
  }

  @Test
  void aTokenWithOnlyReadIsRefusedAWriteWithInsufficientScope() {
    PolicyResult result =
        policy(ORDERS)
            .onRequest(call("POST", "/orders/7/lines", READ_WRITE, Set.of("orders:read")));
    assertThat(result)
        .isEqualTo(
            PolicyResult.reject(
                403,
                "SCOPE_INSUFFICIENT",
                "This operation needs scope orders:write; the caller was not granted orders:write",
                Map.of(
                    "WWW-Authenticate",
                    "Bearer realm=\"meshgate\", error=\"insufficient_scope\", scope=\"orders:write\"")));
  }

  @Test
  void aTokenWithTheScopeOnAPlanGrantingItPasses() {
    assertThat(
            policy(ORDERS).onRequest(call("POST", "/orders", READ_WRITE, Set.of("orders:write"))))
        .isSameAs(PolicyResult.PROCEED);
  }

  @Test
  void aTokenCannotGrantMoreThanThePlan() {
    assertThat(policy(ORDERS).onRequest(call("POST", "/orders", READ_ONLY, Set.of("orders:write"))))
        .isInstanceOf(PolicyResult.Reject.class);
  }

  @Test
  void withoutATokenThePlansScopesCount() {
    Policy p = policy(ORDERS);
    assertThat(p.onRequest(call("POST", "/orders", READ_WRITE, null)))
        .isSameAs(PolicyResult.PROCEED);
    assertThat(p.onRequest(call("POST", "/orders", READ_ONLY, null)))
        .isInstanceOf(PolicyResult.Reject.class);
    assertThat(p.onRequest(call("GET", "/orders/7", READ_ONLY, null)))
        .isSameAs(PolicyResult.PROCEED);
  }

  @Test
  void getScopesCoverHeadAndUnlistedOperationsNeedNothing() {
    Policy p = policy(ORDERS);
    assertThat(p.onRequest(call("HEAD", "/orders/7", READ_ONLY, Set.of())))
        .isInstanceOf(PolicyResult.Reject.class);
    assertThat(p.onRequest(call("GET", "/catalog", READ_ONLY, Set.of())))
        .isSameAs(PolicyResult.PROCEED);
    assertThat(p.onRequest(call("DELETE", "/orders/7", null, null))).isSameAs(PolicyResult.PROCEED);
  }

  @Test
  void spellingsOfTheSamePathNeedTheSameScopes() {
    Policy p = policy(ORDERS);
    for (String path : List.of("/%6Frders", "/orders/", "/orders;x=1", "//orders", "/orders//7")) {
      assertThat(p.onRequest(call("POST", path, READ_ONLY, null)))
          .as(path)
          .isInstanceOf(PolicyResult.Reject.class);
    }
  }

  @Test
  void withNeitherPlanNorTokenNothingIsGranted() {
    assertThat(policy(ORDERS).onRequest(call("POST", "/orders", null, null)))
        .isInstanceOf(PolicyResult.Reject.class);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|operations: is required (was null)",
        "{\"operations\":[]}|operations: must list 1 to 200 operations (was [])",
        "{\"operations\":[{\"method\":\"FETCH\",\"path\":\"/a\",\"scopes\":[\"x\"]}]}"
            + "|operations[0].method: must be *, GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS (was FETCH)",
        "{\"operations\":[{\"method\":\"GET\",\"path\":\"a\",\"scopes\":[\"x\"]}]}"
            + "|operations[0].path: must start with / (was a)",
        "{\"operations\":[{\"method\":\"GET\",\"path\":\"/a\",\"scopes\":[]}]}"
            + "|operations[0].scopes: must list 1 to 20 scopes (was [])",
        "{\"operations\":[{\"method\":\"GET\",\"path\":\"/a\",\"scopes\":[\"two words\"]}]}"
            + "|operations[0].scopes[0]: must be a scope token (RFC 6749 §3.3), at most 128 characters (was two words)",
        "{\"operations\":[{\"method\":\"GET\",\"path\":\"/a\"}]}|operations[0].scopes: is required (was null)",
        "{\"operations\":[{\"method\":\"GET\",\"path\":\"/**/a\",\"scopes\":[\"x\"]}]}"
            + "|operations[0].path: may use ** only as the last segment",
      })
  void badConfigIsRefusedWithTheFieldAndWhy(String json, String message) {
    assertThatThrownBy(() -> policy(json))
        .isInstanceOf(InvalidPolicyConfigException.class)
        .hasMessage(message);
  }
}
