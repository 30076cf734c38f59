package io.meshgate.limit;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** Rolling limits as admins write them, on a plan or on an API operation. */
public final class LimitSpec {
  private LimitSpec() {}

  /** At most {@code limit} calls per {@code per} (second, minute or hour). */
  public record Rate(
      @NotNull(message = "is required") @Min(value = 1, message = "must be at least 1") Long limit,
      @NotNull(message = "is required")
          @Pattern(regexp = "second|minute|hour", message = "must be second, minute or hour")
          String per) {

    /** The window length of {@code per}. */
    public static long perMillis(String per) {
      return switch (per == null ? "second" : per) {
        case "minute" -> 60_000L;
        case "hour" -> 3_600_000L;
        default -> 1_000L;
      };
    }

    public long windowMs() {
      return perMillis(per);
    }
  }

  /** At most {@code limit} calls in any window of {@code windowMs} milliseconds. */
  public record Burst(
      @NotNull(message = "is required") @Min(value = 1, message = "must be at least 1") Long limit,
      @NotNull(message = "is required")
          @Min(value = 1, message = "must be at least 1")
          @Max(value = 3_600_000, message = "must be at most 3600000")
          Long windowMs) {}

  /** Whole seconds, rounded up: a client that waits this long is on time. */
  public static long seconds(long ms) {
    return ms <= 0 ? 0 : (ms + 999) / 1000;
  }
}
