package io.meshgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Libraries that log through SLF4J (jose4j, HttpClient, Flyway) reach java.util.logging. */
class LoggingPathTest {

  @Test
  void slf4jMessagesArriveInJavaUtilLogging() {
    List<LogRecord> seen = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            seen.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger jul = Logger.getLogger("org.jose4j.test");
    jul.addHandler(capture);
    try {
      LoggerFactory.getLogger("org.jose4j.test").warn("through slf4j {}", 42);
    } finally {
      jul.removeHandler(capture);
    }
    assertThat(seen).extracting(LogRecord::getMessage).contains("through slf4j 42");
  }
}
