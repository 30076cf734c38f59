package io.meshgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppLabelsTest {
  private final AtomicLong nanos = new AtomicLong();
  private final AppLabels labels = AppLabels.create(2, nanos::get);

  @Test
  void theFirstAppsAreNamedUntilTheTopIsFullThenOthersAreOther() {
    assertThat(labels.label("a")).isEqualTo("a");
    assertThat(labels.label("b")).isEqualTo("b");
    assertThat(labels.label("c")).isEqualTo(AppLabels.OTHER);
    assertThat(labels.label("a")).isEqualTo("a");
    assertThat(labels.label(null)).isNull();
  }

  @Test
  void afterAMinuteTheAppsWithMostCallsAreTheNamedOnes() {
    labels.label("a");
    labels.label("b");
    for (int i = 0; i < 5; i++) {
      labels.label("c");
      labels.label("d");
    }
    nanos.addAndGet(61_000_000_000L);
    assertThat(labels.label("c")).isEqualTo("c");
    assertThat(labels.label("d")).isEqualTo("d");
    assertThat(labels.label("a")).isEqualTo(AppLabels.OTHER);
    assertThat(labels.labelled()).containsExactlyInAnyOrder("c", "d");
  }

  @Test
  void aMillionAppsKeepTheCountsBoundedAndTheLabelsToTheTop() {
    for (int i = 0; i < 1_000_000; i++) {
      labels.label("app-" + i);
    }
    assertThat(labels.counted()).isLessThanOrEqualTo(1000);
    assertThat(labels.labelled()).hasSize(2);
  }
}
