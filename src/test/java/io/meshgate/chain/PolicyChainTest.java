package io.meshgate.chain;

import static io.meshgate.chain.Exchanges.exchangeFrom;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyChainTest {

  /** Reordering stages changes security: this list is the contract (STYLE rule 4). */
  @Test
  void stageOrderIsPinned() {
    assertThat(PolicyStage.values())
        .containsExactly(
            PolicyStage.ACCESS_LIST,
            PolicyStage.CLIENT_AUTH,
            PolicyStage.CLIENT_ACCESS,
            PolicyStage.SUBSCRIPTION,
            PolicyStage.SCOPE,
            PolicyStage.RATE_LIMIT,
            PolicyStage.TOKEN,
            PolicyStage.HEADERS);
  }

  @Test
  void policiesRunByStageNotByStepPosition() {
    List<String> ran = new ArrayList<>();
    PolicyChain chain =
        new PolicyChain(
            List.of(
                step(recording("headers", PolicyStage.HEADERS, ran), 0, "headers"),
                step(recording("token", PolicyStage.TOKEN, ran), 1, "token"),
                step(recording("auth", PolicyStage.CLIENT_AUTH, ran), 2, "client-auth"),
                step(recording("ip", PolicyStage.ACCESS_LIST, ran), 3, "access-list"),
                step(recording("sub", PolicyStage.SUBSCRIPTION, ran), 4, "subscription"),
                step(recording("client", PolicyStage.CLIENT_ACCESS, ran), 3, "access-list"),
                step(recording("rate", PolicyStage.RATE_LIMIT, ran), 5, "rate-limit")));

    assertThat(chain.apply(exchangeFrom("192.0.2.1"))).isSameAs(PolicyResult.PROCEED);
    assertThat(ran).containsExactly("ip", "auth", "client", "sub", "rate", "token", "headers");
    assertThat(chain.stages())
        .containsExactly(
            PolicyStage.ACCESS_LIST,
            PolicyStage.CLIENT_AUTH,
            PolicyStage.CLIENT_ACCESS,
            PolicyStage.SUBSCRIPTION,
            PolicyStage.RATE_LIMIT,
            PolicyStage.TOKEN,
            PolicyStage.HEADERS);
  }

  @Test
  void withinAStagePositionThenIdBreakTies() {
    List<String> ran = new ArrayList<>();
    PolicyChain chain =
        new PolicyChain(
            List.of(
                step(recording("pos2", PolicyStage.RATE_LIMIT, ran), 2, "a-limit"),
                step(recording("pos1-zeta", PolicyStage.RATE_LIMIT, ran), 1, "zeta"),
                step(recording("pos1-alpha", PolicyStage.RATE_LIMIT, ran), 1, "alpha"),
                step(recording("pos0", PolicyStage.RATE_LIMIT, ran), 0, "quota")));

    chain.apply(exchangeFrom("192.0.2.1"));

    assertThat(ran).containsExactly("pos0", "pos1-alpha", "pos1-zeta", "pos2");
  }

  @Test
  void stopsAtTheFirstReject() {
    List<String> ran = new ArrayList<>();
    PolicyResult.Reject no = PolicyResult.reject(403, "TEST_NO", "no");
    Policy rejecting =
        new Policy() {
          @Override
          public PolicyStage stage() {
            return PolicyStage.SUBSCRIPTION;
          }

          @Override
          public PolicyResult onRequest(ExchangeContext exchange) {
            ran.add("reject");
            return no;
          }
        };
    PolicyChain chain =
        new PolicyChain(
            List.of(
                step(recording("token", PolicyStage.TOKEN, ran), 0, "token"),
                step(rejecting, 1, "subscription"),
                step(recording("auth", PolicyStage.CLIENT_AUTH, ran), 2, "client-auth")));

    assertThat(chain.apply(exchangeFrom("192.0.2.1"))).isSameAs(no);
    assertThat(ran).containsExactly("auth", "reject");
  }

  @Test
  void emptyChainProceeds() {
    assertThat(new PolicyChain(List.of()).apply(exchangeFrom("192.0.2.1")))
        .isSameAs(PolicyResult.PROCEED);
  }

  @Test
  void rejectCopiesItsHeadersAndNeedsKeyAndMessage() {
    java.util.Map<String, String> headers = new java.util.HashMap<>(java.util.Map.of("A", "1"));
    PolicyResult.Reject reject = PolicyResult.reject(401, "K", "m", headers);
    headers.put("B", "2");
    assertThat(reject.headers()).containsExactly(java.util.Map.entry("A", "1"));
    org.assertj.core.api.Assertions.assertThatNullPointerException()
        .isThrownBy(() -> PolicyResult.reject(400, null, "m"))
        .withMessage("errorKey");
    org.assertj.core.api.Assertions.assertThatNullPointerException()
        .isThrownBy(() -> PolicyResult.reject(400, "K", null))
        .withMessage("message");
  }

  private static PolicyChain.OrderedPolicy step(Policy policy, int position, String id) {
    return new PolicyChain.OrderedPolicy(policy, position, id);
  }

  private static Policy recording(String name, PolicyStage stage, List<String> ran) {
    return new Policy() {
      @Override
      public PolicyStage stage() {
        return stage;
      }

      @Override
      public PolicyResult onRequest(ExchangeContext exchange) {
        ran.add(name);
        return PolicyResult.proceed();
      }
    };
  }
}
