package io.meshgate.chain;

import java.util.List;

/** A policy step whose config cannot build a policy; every violation names its field. */
public final class InvalidPolicyConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> violations;

  public InvalidPolicyConfigException(List<String> violations) {
    super(String.join("; ", violations));
    this.violations = List.copyOf(violations);
  }

  public InvalidPolicyConfigException(String violation) {
    this(List.of(violation));
  }

  public List<String> violations() {
    return violations;
  }
}
