package io.meshgate.chain;

import java.util.Comparator;
import java.util.List;

/** An API's policies in run order. Immutable; built once per API revision and shared. */
public final class PolicyChain {

  /** Sort order: stage, then the step's position, then the policy id. */
  public static final Comparator<OrderedPolicy> ORDER =
      Comparator.comparing((OrderedPolicy p) -> p.policy().stage())
          .thenComparingInt(OrderedPolicy::position)
          .thenComparing(OrderedPolicy::policyId);

  private final Policy[] policies;

  public PolicyChain(List<OrderedPolicy> policies) {
    this.policies =
        policies.stream().sorted(ORDER).map(OrderedPolicy::policy).toArray(Policy[]::new);
  }

  /** Runs the policies in order and stops at the first refusal. */
  public PolicyResult apply(ExchangeContext exchange) {
    StageObserver observer = exchange.stageObserver();
    for (Policy policy : policies) {
      PolicyResult result;
      if (observer == null) {
        result = policy.onRequest(exchange);
      } else {
        Object token = observer.enter(policy.stage());
        try {
          result = policy.onRequest(exchange);
        } finally {
          observer.exit(token);
        }
      }
      if (result instanceof PolicyResult.Reject) {
        exchange.refusedBy(policy.stage());
        return result;
      }
    }
    return PolicyResult.PROCEED;
  }

  /** Sees each policy run (for spans); {@link #enter} may return {@code null} to ignore a stage. */
  public interface StageObserver {
    Object enter(PolicyStage stage);

    void exit(Object token);
  }

  /** The stages of the chain, in run order (for tests and diagnostics). */
  public List<PolicyStage> stages() {
    return java.util.Arrays.stream(policies).map(Policy::stage).toList();
  }

  /** A built policy with the step it came from. */
  public record OrderedPolicy(Policy policy, int position, String policyId) {}
}
