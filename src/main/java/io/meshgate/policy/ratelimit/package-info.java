/**
 * Policy {@code rate-limit}: enforces the limits of the caller's plan per subscription (across all
 * of the app's credentials) — a burst limit, a rate limit and a calendar quota — plus optional
 * per-operation limits configured on the API. Place it after {@code subscription}; it runs before
 * {@code token}, so refused calls never cost a signature and never reach the upstream. Counting is
 * shared through Redis when {@code REDIS_URL} is set, local to the replica otherwise.
 *
 * <p>Every answer (refused or proxied) carries {@code RateLimit-Limit}, {@code RateLimit-Remaining}
 * and {@code RateLimit-Reset} for the count closest to its limit ({@code X-RateLimit-*} too with
 * {@code legacyHeaders}); they are response headers only.
 *
 * <p>Error keys:
 *
 * <ul>
 *   <li>{@code RATE_LIMIT_EXCEEDED} (429, {@code Retry-After}): the burst, rate or an operation
 *       limit is reached.
 *   <li>{@code QUOTA_EXCEEDED} (429, {@code Retry-After} = start of the next day or month in the
 *       quota's time zone): a hard quota is used up.
 *   <li>{@code LIMITER_UNAVAILABLE} (503, {@code Retry-After}): Redis is unreachable and the plan
 *       is {@code fail-closed}.
 *   <li>{@code RATE_LIMIT_SUBSCRIPTION_REQUIRED} (403): the chain has no {@code subscription} step
 *       before this one, so there is nothing to count against.
 * </ul>
 */
package io.meshgate.policy.ratelimit;
