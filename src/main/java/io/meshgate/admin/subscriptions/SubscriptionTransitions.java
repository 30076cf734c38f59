package io.meshgate.admin.subscriptions;

import io.meshgate.catalog.subscription.SubscriptionState;
import java.util.Optional;

/**
 * The subscription state machine, one place:
 *
 * <pre>
 *   pending   --approve--> active      pending --reject--> cancelled
 *   active    --suspend--> suspended   suspended --resume--> active
 *   pending | active | suspended --cancel--> cancelled      (cancelled is final)
 * </pre>
 *
 * Migration to another plan keeps the state, except that a plan requiring approval makes an active
 * subscription pending again and a plan without approval activates a pending one; a suspended
 * subscription stays suspended.
 */
public final class SubscriptionTransitions {
  private SubscriptionTransitions() {}

  /** What an admin can do to a subscription (a sub-resource each). */
  public enum Action {
    APPROVE,
    REJECT,
    SUSPEND,
    RESUME,
    CANCEL;

    public String operation() {
      return "subscription." + name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The state after {@code action}, or empty when the action is not allowed from {@code from}. */
  public static Optional<SubscriptionState> next(SubscriptionState from, Action action) {
    SubscriptionState to =
        switch (action) {
          case APPROVE -> from == SubscriptionState.PENDING ? SubscriptionState.ACTIVE : null;
          case REJECT -> from == SubscriptionState.PENDING ? SubscriptionState.CANCELLED : null;
          case SUSPEND -> from == SubscriptionState.ACTIVE ? SubscriptionState.SUSPENDED : null;
          case RESUME -> from == SubscriptionState.SUSPENDED ? SubscriptionState.ACTIVE : null;
          case CANCEL -> from == SubscriptionState.CANCELLED ? null : SubscriptionState.CANCELLED;
        };
    return Optional.ofNullable(to);
  }

  /** The state of a new subscription to a plan. */
  public static SubscriptionState initial(boolean approvalRequired) {
    return approvalRequired ? SubscriptionState.PENDING : SubscriptionState.ACTIVE;
  }

  /** The state after moving to a plan; empty when a cancelled subscription would move. */
  public static Optional<SubscriptionState> afterMigration(
      SubscriptionState from, boolean targetRequiresApproval) {
    return switch (from) {
      case CANCELLED -> Optional.empty();
      case SUSPENDED -> Optional.of(SubscriptionState.SUSPENDED);
      case PENDING, ACTIVE -> Optional.of(initial(targetRequiresApproval));
    };
  }
}
