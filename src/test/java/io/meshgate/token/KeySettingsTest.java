package io.meshgate.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.admin.products.PlanRequest;
import jakarta.validation.constraints.Max;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeySettingsTest {
  @Test
  void durationsAreIso8601OrWholeSeconds() {
    assertThat(KeySettings.parse("k", "PT20M")).isEqualTo(Duration.ofMinutes(20));
    assertThat(KeySettings.parse("k", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    assertThat(KeySettings.parse("k", "P90D")).isEqualTo(Duration.ofDays(90));
    assertThat(KeySettings.parse("k", " 1200 ")).isEqualTo(Duration.ofSeconds(1200));
  }

  @Test
  void aBadOrNegativeDurationNamesTheKeyAndTheValue() {
    assertThatThrownBy(() -> KeySettings.parse(KeySettings.CLOCK_SKEW, "20 minutes"))
        .hasMessage(
            "meshgate.keys.clock-skew must be an ISO-8601 duration such as PT20M or whole seconds"
                + " (was '20 minutes')");
    assertThatThrownBy(() -> KeySettings.parse(KeySettings.ACTIVATION_MARGIN, "-PT1S"))
        .hasMessage("meshgate.keys.activation-margin must not be negative (was '-PT1S')");
  }

  @Test
  void rotationIsOffWithOffOrZero() {
    KeySettings settings = defaults();
    assertThat(settings.rotationPeriod()).contains(Duration.ofDays(90));
    settings.rotationPeriod = "off";
    assertThat(settings.rotationPeriod()).isEmpty();
    settings.rotationPeriod = "0";
    assertThat(settings.rotationPeriod()).isEmpty();
  }

  @Test
  void theLeadIsTheRefreshIntervalPlusTheMarginAndTheRetentionTheLongestTokenPlusTheSkew() {
    KeySettings settings = defaults();

    assertThat(settings.lifecycle().publishLead()).isEqualTo(Duration.ofMinutes(25));
    assertThat(settings.lifecycle().retention()).isEqualTo(Duration.ofSeconds(86_400 + 30));

    settings.oauthTokenTtlSeconds = 200_000;
    assertThat(settings.maxTokenLifetime()).isEqualTo(Duration.ofSeconds(200_000));
  }

  @Test
  void thePlanBoundIsTheOneAdminValidationEnforces() throws Exception {
    Max max = PlanRequest.class.getDeclaredField("tokenTtlSeconds").getAnnotation(Max.class);

    assertThat(max).isNotNull();
    assertThat(KeySettings.MAX_PLAN_TOKEN_TTL_SECONDS).isGreaterThanOrEqualTo(max.value());
  }

  static KeySettings defaults() {
    KeySettings s = new KeySettings();
    s.meshRefreshInterval = "PT20M";
    s.activationMargin = "PT5M";
    s.clockSkew = "PT30S";
    s.rotationPeriod = "P90D";
    s.reloadInterval = "PT2S";
    s.algorithm = "ES256";
    s.oauthTokenTtlSeconds = 3600;
    s.adminTokenTtlSeconds = 900;
    return s;
  }
}
