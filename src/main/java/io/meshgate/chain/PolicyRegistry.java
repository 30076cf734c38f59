package io.meshgate.chain;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every {@link PolicyFactory} bean, by its stored id. Two factories with one id fail start-up. */
@ApplicationScoped
public class PolicyRegistry {

  @Inject @Any Instance<PolicyFactory<?>> factories;

  private Map<String, PolicyFactory<?>> byId;

  @PostConstruct
  void index() {
    Map<String, PolicyFactory<?>> map = new TreeMap<>();
    for (PolicyFactory<?> factory : factories) {
      PolicyFactory<?> previous = map.put(factory.id(), factory);
      if (previous != null) {
        throw new IllegalStateException("Two policy factories claim id '" + factory.id() + "'");
      }
    }
    byId = Map.copyOf(map);
  }

  public Optional<PolicyFactory<?>> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public java.util.Set<String> ids() {
    return new java.util.TreeSet<>(byId.keySet());
  }
}
