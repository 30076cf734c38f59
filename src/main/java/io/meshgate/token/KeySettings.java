package io.meshgate.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The signing-key lifecycle's configuration. Durations are ISO-8601 ({@code PT20M}, {@code PT1.5S},
 * {@code P90D}) or a whole number of seconds ({@code 1200}).
 */
@ApplicationScoped
public class KeySettings {
  public static final String MESH_REFRESH_INTERVAL = "meshgate.keys.mesh-refresh-interval";
  public static final String ACTIVATION_MARGIN = "meshgate.keys.activation-margin";
  public static final String CLOCK_SKEW = "meshgate.keys.clock-skew";
  public static final String ROTATION_PERIOD = "meshgate.keys.rotation-period";
  public static final String RELOAD_INTERVAL = "meshgate.keys.reload-interval";
  public static final String ALGORITHM = "meshgate.token.algorithm";

  /** Lifetimes of the other gateway-signed tokens (declared where they are minted). */
  static final String OAUTH_TOKEN_TTL = "meshgate.oauth.token-ttl-seconds";

  static final String ADMIN_TOKEN_TTL = "meshgate.admin.token-ttl-seconds";

  /**
   * The largest gateway-token lifetime a plan can have: {@code PlanRequest.tokenTtlSeconds} is
   * validated to at most this on every admin write and seed (a unit test pins the two together).
   */
  public static final long MAX_PLAN_TOKEN_TTL_SECONDS = 86_400;

  /** {@code off} (or {@code 0}) disables automatic rotation. */
  public static final String OFF = "off";

  @Inject
  @ConfigProperty(name = MESH_REFRESH_INTERVAL, defaultValue = "PT20M")
  String meshRefreshInterval;

  @Inject
  @ConfigProperty(name = ACTIVATION_MARGIN, defaultValue = "PT5M")
  String activationMargin;

  @Inject
  @ConfigProperty(name = CLOCK_SKEW, defaultValue = "PT30S")
  String clockSkew;

  @Inject
  @ConfigProperty(name = ROTATION_PERIOD, defaultValue = "P90D")
  String rotationPeriod;

  @Inject
  @ConfigProperty(name = RELOAD_INTERVAL, defaultValue = "PT2S")
  String reloadInterval;

  @Inject
  @ConfigProperty(name = ALGORITHM, defaultValue = "ES256")
  String algorithm;

  @Inject
  @ConfigProperty(name = OAUTH_TOKEN_TTL, defaultValue = "3600")
  long oauthTokenTtlSeconds;

  @Inject
  @ConfigProperty(name = ADMIN_TOKEN_TTL, defaultValue = "900")
  long adminTokenTtlSeconds;

  public Duration meshRefreshInterval() {
    return parse(MESH_REFRESH_INTERVAL, meshRefreshInterval);
  }

  public Duration activationMargin() {
    return parse(ACTIVATION_MARGIN, activationMargin);
  }

  public Duration clockSkew() {
    return parse(CLOCK_SKEW, clockSkew);
  }

  public Duration reloadInterval() {
    Duration d = parse(RELOAD_INTERVAL, reloadInterval);
    if (d.isZero()) {
      throw new IllegalStateException(RELOAD_INTERVAL + " must be more than 0");
    }
    return d;
  }

  /** Empty when automatic rotation is off. */
  public Optional<Duration> rotationPeriod() {
    String value = rotationPeriod == null ? "" : rotationPeriod.trim();
    if (value.isEmpty() || value.equalsIgnoreCase(OFF)) {
      return Optional.empty();
    }
    Duration d = parse(ROTATION_PERIOD, value);
    return d.isZero() ? Optional.empty() : Optional.of(d);
  }

  /** The JWS algorithm of keys the gateway creates by itself: ES256 or RS256. */
  public String algorithm() {
    return algorithm.trim().toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * The longest lifetime any gateway-signed token can have: a plan's mesh token (bounded by
   * validation), an OAuth access token, an admin token.
   */
  public Duration maxTokenLifetime() {
    return Duration.ofSeconds(
        Math.max(MAX_PLAN_TOKEN_TTL_SECONDS, Math.max(oauthTokenTtlSeconds, adminTokenTtlSeconds)));
  }

  public KeyLifecycle lifecycle() {
    return new KeyLifecycle(
        meshRefreshInterval().plus(activationMargin()), maxTokenLifetime().plus(clockSkew()));
  }

  /** ISO-8601 duration or whole seconds; never negative. */
  public static Duration parse(String key, String value) {
    String v = value == null ? "" : value.trim();
    Duration d;
    try {
      d =
          v.chars().allMatch(Character::isDigit) && !v.isEmpty()
              ? Duration.ofSeconds(Long.parseLong(v))
              : Duration.parse(v);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalStateException(
          key + " must be an ISO-8601 duration such as PT20M or whole seconds (was '" + v + "')");
    }
    if (d.isNegative()) {
      throw new IllegalStateException(key + " must not be negative (was '" + v + "')");
    }
    return d;
  }
}
