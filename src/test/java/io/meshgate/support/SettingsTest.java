package io.meshgate.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private final Logger logger = Logger.getLogger(Settings.class.getName());
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void capture() {
    logger.addHandler(handler);
  }

  @AfterEach
  void release() {
    logger.removeHandler(handler);
  }

  @Test
  void aValueInRangeIsKeptSilently() {
    assertThat(Settings.atLeast("MESHGATE_X", 0, 0, 10)).isZero();
    assertThat(Settings.atLeast("MESHGATE_X", 5, 1, 10)).isEqualTo(5);
    assertThat(records).isEmpty();
  }

  @Test
  void aValueBelowTheMinimumIsReplacedByTheDefaultAndNamedInOneSevereLine() {
    assertThat(Settings.atLeast("MESHGATE_CACHE_MAX_MISSES", -3, 1, 100_000)).isEqualTo(100_000);

    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.SEVERE);
    assertThat(records.get(0).getMessage())
        .isEqualTo(
            "MESHGATE-CONFIG: MESHGATE_CACHE_MAX_MISSES must be at least 1 (was -3); using 100000");
  }
}
