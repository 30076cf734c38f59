package io.meshgate.policy.ratelimit;

import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyFactory;
import io.meshgate.limit.LimitCheck;
import io.meshgate.limit.Limiter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Builds the {@code rate-limit} policy on top of the shared {@link Limiter}. */
@ApplicationScoped
public class RateLimitPolicyFactory implements PolicyFactory<RateLimitPolicyConfig> {
  public static final String ID = "rate-limit";

  @Inject Limiter limiter;
  @Inject Clock clock;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<RateLimitPolicyConfig> configType() {
    return RateLimitPolicyConfig.class;
  }

  @Override
  public List<Policy> create(RateLimitPolicyConfig config) {
    return List.of(
        new RateLimitPolicy(
            limiter::decide,
            clock,
            operations(config),
            Boolean.TRUE.equals(config.legacyHeaders())));
  }

  /** Checks what field validation cannot: templates, and that each operation limits something. */
  static List<RateLimitPolicy.OperationLimits> operations(RateLimitPolicyConfig config) {
    List<RateLimitPolicy.OperationLimits> out = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    for (int i = 0; i < config.operations().size(); i++) {
      RateLimitPolicyConfig.Operation op = config.operations().get(i);
      String field = "operations[" + i + "]";
      Integer first = seen.putIfAbsent(op.method() + " " + op.path(), i);
      if (first != null) {
        violations.add(
            field + ": repeats operations[" + first + "] (" + op.method() + " " + op.path() + ")");
        continue;
      }
      PathTemplate template;
      try {
        template = PathTemplate.parse(op.path());
      } catch (IllegalArgumentException e) {
        violations.add(field + ".path: " + e.getMessage());
        continue;
      }
      if (op.rateLimit() == null && op.burst() == null) {
        violations.add(field + ": needs rateLimit, burst or both");
        continue;
      }
      String name = "operation " + op.method() + " " + op.path();
      // A stable counter name per operation: the same template keeps its counts across revisions.
      String id = "o" + digest(op.method().toUpperCase(Locale.ROOT) + " " + op.path()) + ":";
      List<LimitCheck.WindowCheck> windows = new ArrayList<>(2);
      if (op.burst() != null) {
        windows.add(
            new LimitCheck.WindowCheck(
                name + " burst",
                id + "b" + op.burst().windowMs(),
                op.burst().limit(),
                op.burst().windowMs()));
      }
      if (op.rateLimit() != null) {
        long windowMs = op.rateLimit().windowMs();
        windows.add(
            new LimitCheck.WindowCheck(
                name, id + "r" + windowMs, op.rateLimit().limit(), windowMs));
      }
      out.add(new RateLimitPolicy.OperationLimits(op.method(), template, windows));
    }
    if (!violations.isEmpty()) {
      throw new InvalidPolicyConfigException(violations);
    }
    return out;
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
