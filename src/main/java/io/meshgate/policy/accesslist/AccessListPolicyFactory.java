package io.meshgate.policy.accesslist;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.support.CidrBlock;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builds the IP check and the client-id check of an {@code access-list} step. */
@ApplicationScoped
public class AccessListPolicyFactory implements PolicyFactory<AccessListPolicyConfig> {
  public static final String ID = "access-list";
  public static final String ACCESS_DENIED = "ACCESS_DENIED";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<AccessListPolicyConfig> configType() {
    return AccessListPolicyConfig.class;
  }

  @Override
  public List<Policy> create(AccessListPolicyConfig config) {
    List<String> violations = new ArrayList<>();
    List<CidrBlock> allow = parse("allowIps", config.allowIps(), violations);
    List<CidrBlock> deny = parse("denyIps", config.denyIps(), violations);
    if (!violations.isEmpty()) {
      throw new InvalidPolicyConfigException(violations);
    }
    List<Policy> policies = new ArrayList<>(2);
    if (!allow.isEmpty() || !deny.isEmpty()) {
      policies.add(new IpPolicy(allow, deny));
    }
    if (!config.allowClientIds().isEmpty() || !config.denyClientIds().isEmpty()) {
      policies.add(
          new ClientIdPolicy(
              Set.copyOf(config.allowClientIds()), Set.copyOf(config.denyClientIds())));
    }
    return policies;
  }

  private static List<CidrBlock> parse(String field, List<String> values, List<String> violations) {
    List<CidrBlock> blocks = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      try {
        blocks.add(CidrBlock.parse(values.get(i)));
      } catch (IllegalArgumentException e) {
        violations.add(field + "[" + i + "]: " + e.getMessage());
      }
    }
    return List.copyOf(blocks);
  }

  static final class IpPolicy implements Policy {
    private final List<CidrBlock> allow;
    private final List<CidrBlock> deny;

    IpPolicy(List<CidrBlock> allow, List<CidrBlock> deny) {
      this.allow = allow;
      this.deny = deny;
    }

    @Override
    public PolicyStage stage() {
      return PolicyStage.ACCESS_LIST;
    }

    @Override
    public PolicyResult onRequest(ExchangeContext exchange) {
      InetAddress client = exchange.clientAddress();
      for (CidrBlock block : deny) {
        if (block.contains(client)) {
          return refuse(client);
        }
      }
      if (allow.isEmpty()) {
        return PolicyResult.proceed();
      }
      for (CidrBlock block : allow) {
        if (block.contains(client)) {
          return PolicyResult.proceed();
        }
      }
      return refuse(client);
    }

    private static PolicyResult refuse(InetAddress client) {
      return PolicyResult.reject(
          403,
          ACCESS_DENIED,
          "Calls from " + client.getHostAddress() + " are not allowed for this API");
    }
  }

  static final class ClientIdPolicy implements Policy {
    private final Set<String> allow;
    private final Set<String> deny;

    ClientIdPolicy(Set<String> allow, Set<String> deny) {
      this.allow = allow;
      this.deny = deny;
    }

    @Override
    public PolicyStage stage() {
      return PolicyStage.CLIENT_ACCESS;
    }

    @Override
    public PolicyResult onRequest(ExchangeContext exchange) {
      String clientId = exchange.app() == null ? null : exchange.app().clientId();
      if (clientId == null
          || deny.contains(clientId)
          || (!allow.isEmpty() && !allow.contains(clientId))) {
        return PolicyResult.reject(
            403, ACCESS_DENIED, "This client is not allowed to call this API");
      }
      return PolicyResult.proceed();
    }
  }
}
