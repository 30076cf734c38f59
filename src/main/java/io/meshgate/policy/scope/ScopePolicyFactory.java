package io.meshgate.policy.scope;

import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.policy.ratelimit.PathTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@code scope} policy from validated operations. */
@ApplicationScoped
public class ScopePolicyFactory implements PolicyFactory<ScopePolicyConfig> {
  public static final String ID = "scope";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<ScopePolicyConfig> configType() {
    return ScopePolicyConfig.class;
  }

  @Override
  public List<Policy> create(ScopePolicyConfig config) {
    List<String> violations = new ArrayList<>();
    List<ScopePolicy.Rule> rules = new ArrayList<>();
    for (int i = 0; i < config.operations().size(); i++) {
      ScopePolicyConfig.Operation op = config.operations().get(i);
      try {
        rules.add(new ScopePolicy.Rule(op.method(), PathTemplate.parse(op.path()), op.scopes()));
      } catch (IllegalArgumentException e) {
        violations.add("operations[" + i + "].path: " + e.getMessage());
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidPolicyConfigException(violations);
    }
    return List.of(new ScopePolicy(rules));
  }
}
