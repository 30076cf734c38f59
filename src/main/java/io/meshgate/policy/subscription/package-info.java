/**
 * Policy {@code subscription}: the authenticated app needs an active subscription to a plan of a
 * product that bundles this API. The plan found is what the token and headers policies put in front
 * of the mesh. No config.
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code SUBSCRIPTION_REQUIRED} (403): no subscription (or only cancelled ones) covers this
 *       API.
 *   <li>{@code SUBSCRIPTION_PENDING} (403): the subscription awaits approval.
 *   <li>{@code SUBSCRIPTION_SUSPENDED} (403): the subscription is suspended.
 * </ul>
 */
package io.meshgate.policy.subscription;
