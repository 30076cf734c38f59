/**
 * Admin resources for subscriptions: {@code /admin/v1/subscriptions}, with {@code approve}, {@code
 * reject}, {@code suspend}, {@code resume}, {@code cancel} and {@code migrate} as sub-resources
 * (state machine in {@link io.meshgate.admin.subscriptions.SubscriptionTransitions}).
 *
 * <p>Error keys: {@code SUBSCRIPTION_NOT_FOUND}, {@code APP_NOT_FOUND}, {@code PLAN_NOT_FOUND}
 * (404); {@code SUBSCRIPTION_EXISTS} (409: the app already has a non-cancelled subscription to a
 * plan of this product); {@code SUBSCRIPTION_STATE_CONFLICT} (409: the action is not allowed in the
 * current state); {@code VALIDATION_FAILED} (400: migrating to a plan of another product).
 */
package io.meshgate.admin.subscriptions;
