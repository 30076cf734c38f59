package io.meshgate.policy.scope;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.policy.ratelimit.PathTemplate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses a call whose operation requires a scope the caller was not granted. Granted are the
 * scopes of the caller's plan; when the caller presented a bearer token, only those of them the
 * token also carries (a token never grants more than the plan, and a narrow token stays narrow).
 */
final class ScopePolicy implements Policy {
  static final String INSUFFICIENT = "SCOPE_INSUFFICIENT";

  private final List<Rule> rules;

  ScopePolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  record Rule(String method, PathTemplate path, List<String> scopes) {
    boolean matches(ExchangeContext exchange) {
      String m = exchange.method();
      boolean methodMatches =
          "*".equals(method) || method.equals(m) || ("GET".equals(method) && "HEAD".equals(m));
      return methodMatches && path.matches(exchange.upstreamPath());
    }
  }

  @Override
  public PolicyStage stage() {
    return PolicyStage.SCOPE;
  }

  @Override
  public PolicyResult onRequest(ExchangeContext exchange) {
    Set<String> required = null;
    for (Rule rule : rules) {
      if (rule.matches(exchange)) {
        if (required == null) {
          required = new LinkedHashSet<>();
        }
        required.addAll(rule.scopes());
      }
    }
    if (required == null) {
      return PolicyResult.proceed();
    }
    Set<String> missing = new LinkedHashSet<>(required);
    missing.removeIf(scope -> granted(exchange, scope));
    if (missing.isEmpty()) {
      return PolicyResult.proceed();
    }
    String challenge =
        "Bearer realm=\"meshgate\", error=\"insufficient_scope\", scope=\""
            + String.join(" ", required)
            + "\"";
    return PolicyResult.reject(
        403,
        INSUFFICIENT,
        "This operation needs scope "
            + String.join(" ", required)
            + "; the caller was not granted "
            + String.join(" ", missing),
        Map.of("WWW-Authenticate", challenge));
  }

  private static boolean granted(ExchangeContext exchange, String scope) {
    Set<String> fromToken = exchange.tokenScopes();
    if (fromToken != null && !fromToken.contains(scope)) {
      return false;
    }
    if (exchange.plan() != null) {
      return exchange.plan().scopes().contains(scope);
    }
    // No subscription step names a plan: only a token can grant, and it did.
    return fromToken != null;
  }
}
