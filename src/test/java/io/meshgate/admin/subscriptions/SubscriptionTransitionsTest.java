package io.meshgate.admin.subscriptions;

import static io.meshgate.admin.subscriptions.SubscriptionTransitions.Action.APPROVE;
import static io.meshgate.admin.subscriptions.SubscriptionTransitions.Action.CANCEL;
import static io.meshgate.admin.subscriptions.SubscriptionTransitions.Action.REJECT;
import static io.meshgate.admin.subscriptions.SubscriptionTransitions.Action.RESUME;
import static io.meshgate.admin.subscriptions.SubscriptionTransitions.Action.SUSPEND;
import static io.meshgate.catalog.subscription.SubscriptionState.ACTIVE;
import static io.meshgate.catalog.subscription.SubscriptionState.CANCELLED;
import static io.meshgate.catalog.subscription.SubscriptionState.PENDING;
import static io.meshgate.catalog.subscription.SubscriptionState.SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.admin.subscriptions.SubscriptionTransitions.Action;
import io.meshgate.catalog.subscription.SubscriptionState;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The whole state machine, every (state, action) pair pinned. */
class SubscriptionTransitionsTest {

  @Test
  void everyTransition() {
    Map<SubscriptionState, Map<Action, SubscriptionState>> allowed =
        new EnumMap<>(SubscriptionState.class);
    allowed.put(PENDING, Map.of(APPROVE, ACTIVE, REJECT, CANCELLED, CANCEL, CANCELLED));
    allowed.put(ACTIVE, Map.of(SUSPEND, SUSPENDED, CANCEL, CANCELLED));
    allowed.put(SUSPENDED, Map.of(RESUME, ACTIVE, CANCEL, CANCELLED));
    allowed.put(CANCELLED, Map.of());

    for (SubscriptionState from : SubscriptionState.values()) {
      for (Action action : Action.values()) {
        assertThat(SubscriptionTransitions.next(from, action))
            .as(from + " --" + action + "-->")
            .isEqualTo(Optional.ofNullable(allowed.get(from).get(action)));
      }
    }
  }

  @Test
  void newSubscriptionsArePendingOnlyWhenThePlanRequiresApproval() {
    assertThat(SubscriptionTransitions.initial(true)).isEqualTo(PENDING);
    assertThat(SubscriptionTransitions.initial(false)).isEqualTo(ACTIVE);
  }

  @Test
  void migration() {
    assertThat(SubscriptionTransitions.afterMigration(ACTIVE, false)).contains(ACTIVE);
    assertThat(SubscriptionTransitions.afterMigration(ACTIVE, true)).contains(PENDING);
    assertThat(SubscriptionTransitions.afterMigration(PENDING, false)).contains(ACTIVE);
    assertThat(SubscriptionTransitions.afterMigration(PENDING, true)).contains(PENDING);
    assertThat(SubscriptionTransitions.afterMigration(SUSPENDED, false)).contains(SUSPENDED);
    assertThat(SubscriptionTransitions.afterMigration(SUSPENDED, true)).contains(SUSPENDED);
    assertThat(SubscriptionTransitions.afterMigration(CANCELLED, false)).isEmpty();
  }

  @Test
  void operationsAreNamedForTheAuditLog() {
    assertThat(SUSPEND.operation()).isEqualTo("subscription.suspend");
    assertThat(APPROVE.operation()).isEqualTo("subscription.approve");
  }
}
