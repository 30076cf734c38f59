package io.meshgate.admin.products;

import io.meshgate.limit.LimitSpec;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A plan as an admin writes it.
 *
 * @param name the routing name sent as {@code x-client-plan}: lowercase letters, digits and '-'
 * @param scopes granted in gateway tokens ({@code scope} claim)
 * @param tokenTtlSeconds lifetime of gateway tokens, 30..86400, default 300
 * @param onLimiterError what the rate limiter does when its shared store (Redis) fails: {@code
 *     fail-open} (default: count locally on each replica) or {@code fail-closed} (answer 503)
 */
public record PlanRequest(
    @NotNull(message = "is required")
        @Pattern(regexp = NAME, message = "must be 1 to 50 lowercase letters, digits or '-'")
        String name,
    @Size(max = 200, message = "must be at most 200 characters") String title,
    Boolean approvalRequired,
    @Size(max = 100, message = "must list at most 100 scopes")
        List<
                @NotNull(message = "must not be null")
                @Pattern(
                    regexp = SCOPE,
                    message = "must be 1 to 100 visible characters without spaces or quotes")
                String>
            scopes,
    @Min(value = 30, message = "must be at least 30")
        @Max(value = 86_400, message = "must be at most 86400")
        Integer tokenTtlSeconds,
    @Valid LimitSpec.Rate rateLimit,
    @Valid LimitSpec.Burst burst,
    @Valid Quota quota,
    @Pattern(regexp = "fail-open|fail-closed", message = "must be fail-open or fail-closed")
        String onLimiterError) {

  static final String NAME = "[a-z0-9-]{1,50}";

  /** RFC 6749 scope-token characters. */
  static final String SCOPE = "[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}";

  /**
   * At most {@code limit} calls per calendar day or month, starting at midnight in {@code timeZone}
   * (an IANA zone id, default UTC); {@code hard} refuses beyond it (default), {@code soft} only
   * counts and reports.
   */
  public record Quota(
      @NotNull(message = "is required") @Min(value = 1, message = "must be at least 1") Long limit,
      @NotNull(message = "is required")
          @Pattern(regexp = "day|month", message = "must be day or month")
          String per,
      @Pattern(regexp = "hard|soft", message = "must be hard or soft") String enforcement,
      @Size(max = 50, message = "must be at most 50 characters") String timeZone) {}
}
