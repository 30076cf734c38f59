package io.meshgate.chain;

import io.meshgate.catalog.runtime.ApiSnapshot;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds an API's {@link PolicyChain} from its steps and caches it by (API id, revision): config is
 * parsed and validated once per revision, never per request.
 */
@ApplicationScoped
public class PolicyChainFactory {

  @Inject PolicyRegistry registry;
  @Inject Validator validator;

  private PolicyConfigReader configReader;
  private final Map<Long, Built> chains = new ConcurrentHashMap<>();

  @PostConstruct
  void init() {
    configReader = new PolicyConfigReader(validator);
  }

  /**
   * The chain for this API revision.
   *
   * @throws InvalidPolicyConfigException when a step names an unknown policy or has a bad config
   */
  public PolicyChain chainFor(ApiSnapshot api) {
    Built built = chains.get(api.id());
    if (built != null && built.revision == api.revision()) {
      return built.chain;
    }
    PolicyChain chain = build(api.steps());
    chains.put(api.id(), new Built(api.revision(), chain));
    return chain;
  }

  /** Validates and builds steps; also what the admin API calls to check a write. */
  public PolicyChain build(List<ApiSnapshot.PolicyStepSnapshot> steps) {
    List<PolicyChain.OrderedPolicy> ordered = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      ApiSnapshot.PolicyStepSnapshot step = steps.get(i);
      PolicyFactory<?> factory = registry.find(step.policyId()).orElse(null);
      if (factory == null) {
        violations.add(
            "steps["
                + i
                + "].policy: unknown policy '"
                + step.policyId()
                + "' (known: "
                + registry.ids()
                + ")");
        continue;
      }
      try {
        for (Policy policy : create(factory, step.configJson())) {
          ordered.add(new PolicyChain.OrderedPolicy(policy, step.position(), step.policyId()));
        }
      } catch (InvalidPolicyConfigException e) {
        for (String v : e.violations()) {
          violations.add("steps[" + i + "]." + (v.startsWith("config") ? v : "config." + v));
        }
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidPolicyConfigException(violations);
    }
    return new PolicyChain(ordered);
  }

  private <C extends Record> List<Policy> create(PolicyFactory<C> factory, String json) {
    return factory.create(configReader.read(json, factory.configType()));
  }

  /** Forgets one API's chain (the API changed or is gone). */
  public void evict(long apiId) {
    chains.remove(apiId);
  }

  /** Forgets every built chain. */
  public void invalidateAll() {
    chains.clear();
  }

  private record Built(long revision, PolicyChain chain) {}
}
