package io.meshgate.policy.ratelimit;

import io.meshgate.limit.LimitSpec;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Config of {@code rate-limit}. The limits themselves are the plan's; the API adds only optional
 * per-operation limits, counted per subscription on top of the plan's.
 *
 * @param operations extra limits for calls matching a method and a path template
 * @param legacyHeaders also send {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
 *     {@code X-RateLimit-Reset} (default false)
 */
public record RateLimitPolicyConfig(
    @Size(max = 100, message = "must list at most 100 operations")
        List<@NotNull(message = "must not be null") @Valid Operation> operations,
    Boolean legacyHeaders) {

  public RateLimitPolicyConfig {
    operations = operations == null ? List.of() : List.copyOf(operations);
  }

  /**
   * An operation's own limits.
   *
   * @param method an HTTP method, or {@code *} for any
   * @param path a template below the API's base path: literal segments, {@code {name}} for any one
   *     segment, and a final {@code **} for any rest ({@code /orders/{id}}, {@code /reports/**})
   */
  public record Operation(
      @NotNull(message = "is required")
          @Pattern(
              regexp = "\\*|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS",
              message = "must be *, GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS")
          String method,
      @NotNull(message = "is required")
          @Size(max = 500, message = "must be at most 500 characters")
          @Pattern(regexp = "/.*", message = "must start with /")
          String path,
      @Valid LimitSpec.Rate rateLimit,
      @Valid LimitSpec.Burst burst) {}
}
