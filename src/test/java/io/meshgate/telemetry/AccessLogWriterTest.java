package io.meshgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogWriterTest {

  @TempDir Path dir;

  private static CallRecord call(String requestId) {
    return new CallRecord(
        Instant.parse("2026-12-06T10:00:00Z"),
        requestId,
        null,
        null,
        "10.0.0.1",
        "orders",
        null,
        "free",
        "app",
        "client",
        "GET",
        "/orders/*",
        200,
        null,
        null,
        0,
        10,
        1_000_000,
        500_000);
  }

  @Test
  void queuedLinesReachTheFileOnlyWhenDrainedOneLineEachInOrder() throws IOException {
    Path file = dir.resolve("logs/access.log");
    try (AccessLogWriter w = new AccessLogWriter(file, 0, 10, 100, AccessLog::write)) {
      for (int i = 0; i < 50; i++) {
        assertThat(w.offer(call("r-" + i))).isTrue();
      }
      assertThat(file).doesNotExist();
      w.drain();
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      assertThat(lines).hasSize(50);
      assertThat(lines.get(0)).startsWith("{\"time\":").contains("\"requestId\":\"r-0\"");
      assertThat(lines.get(49)).contains("\"requestId\":\"r-49\"");
      assertThat(w.dropped()).isZero();
    }
  }

  @Test
  void linesAreUtf8AndRollingCountsTheirBytes() throws IOException {
    Path file = dir.resolve("access.log");
    String name = "caf\u00e9-\u65e5\u672c"; // 2- and 3-byte characters in UTF-8
    String ascii = AccessLog.line(call("r-000"));
    String wide = AccessLog.line(call(name));
    int wideBytes = wide.getBytes(StandardCharsets.UTF_8).length + 1;
    assertThat(wideBytes).isGreaterThan(wide.length() + 1);
    // room for the wide line by its bytes, not for another: the second one rolls the file
    try (AccessLogWriter w = new AccessLogWriter(file, wideBytes, 5, 100, AccessLog::write)) {
      w.offer(call(name));
      w.offer(call("r-000"));
      w.drain();
    }
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).containsExactly(ascii);
    try (Stream<Path> files = Files.list(dir)) {
      Path rolled = files.filter(p -> !p.equals(file)).findFirst().orElseThrow();
      assertThat(Files.readAllLines(rolled, StandardCharsets.UTF_8)).containsExactly(wide);
      assertThat(Files.size(rolled)).isEqualTo(wideBytes);
    }
  }

  @Test
  void aLineWhoseFormattingFailedLeavesNothingInFrontOfTheNext() throws IOException {
    Path file = dir.resolve("access.log");
    String good = AccessLog.line(call("after"));
    AccessLogWriter.LineFormat format =
        (c, out) -> {
          if (c.requestId().equals("broken")) {
            try {
              out.write("x".repeat(10_000)); // more than the encoder's own buffer holds
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("formatter failed half-way");
          }
          AccessLog.write(c, out);
        };
    try (AccessLogWriter w = new AccessLogWriter(file, 0, 10, 100, format)) {
      w.offer(call("broken"));
      w.drain();
      w.offer(call("after"));
      w.drain();
      assertThat(w.dropped()).isEqualTo(1);
    }
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).containsExactly(good);
  }

  @Test
  void aRestartAppendsToTheExistingFile() throws IOException {
    Path file = dir.resolve("access.log");
    Files.writeString(file, "{\"earlier\":true}\n");
    try (AccessLogWriter w = new AccessLogWriter(file, 0, 10, 100, AccessLog::write)) {
      w.offer(call("later"));
    }
    assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("{\"earlier\":true}");
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlockingTheCaller() {
    try (AccessLogWriter w =
        new AccessLogWriter(dir.resolve("access.log"), 0, 10, 3, AccessLog::write)) {
      List<Boolean> accepted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        accepted.add(w.offer(call("r-" + i)));
      }
      assertThat(accepted).containsExactly(true, true, true, false, false);
      assertThat(w.dropped()).isEqualTo(2);
      w.drain();
      assertThat(w.offer(call("after"))).isTrue();
    }
  }

  @Test
  void theFileRollsBeforeItOutgrowsTheLimitAndOnlyTheNewestRolledFilesAreKept() throws IOException {
    Path file = dir.resolve("access.log");
    int lineBytes = (AccessLog.line(call("r-000")) + "\n").length();
    // room for 4 lines per file; 30 lines make 7 full files and 2 lines in the current one
    try (AccessLogWriter w = new AccessLogWriter(file, lineBytes * 4L, 3, 100, AccessLog::write)) {
      for (int i = 0; i < 30; i++) {
        w.offer(call(String.format("r-%03d", i)));
        if (i % 4 == 3) {
          w.drain();
        }
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    assertThat(files).hasSize(4).contains(file);
    for (Path f : files) {
      assertThat(Files.size(f)).isLessThanOrEqualTo(lineBytes * 4L);
      assertThat(f.getFileName().toString()).matches("access(_[0-9._]+)?\\.log");
    }
    assertThat(Files.readAllLines(file)).hasSize(2).last().asString().contains("r-029");
    // the oldest kept rolled file starts where the deleted ones ended
    Path oldestKept = files.stream().filter(f -> !f.equals(file)).findFirst().orElseThrow();
    assertThat(Files.readAllLines(oldestKept).get(0)).contains("r-016");
  }

  @Test
  void pruningLeavesFilesItDidNotRollAlone() throws IOException {
    Path file = dir.resolve("access.log");
    Path foreign = Files.writeString(dir.resolve("access_audit.log"), "keep me\n");
    int lineBytes = (AccessLog.line(call("r-000")) + "\n").length();
    try (AccessLogWriter w = new AccessLogWriter(file, lineBytes, 0, 100, AccessLog::write)) {
      for (int i = 0; i < 5; i++) {
        w.offer(call(String.format("r-%03d", i)));
      }
    }
    assertThat(foreign).hasContent("keep me");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("access.log", "access_audit.log");
    }
  }

  @Test
  void callsEndingAfterCloseAreCountedAsDropped() {
    AccessLogWriter w = new AccessLogWriter(dir.resolve("access.log"), 0, 1, 10, AccessLog::write);
    w.close();
    assertThat(w.offer(call("late"))).isFalse();
    assertThat(w.dropped()).isEqualTo(1);
  }

  @Test
  void anUnwritableFileDropsLinesCountsThemAndRecoversWhenItCanWriteAgain() throws IOException {
    Path blocker = dir.resolve("not-a-dir");
    Files.writeString(blocker, "x");
    Path file = blocker.resolve("access.log");
    try (AccessLogWriter w = new AccessLogWriter(file, 0, 10, 100, AccessLog::write)) {
      w.offer(call("a"));
      w.offer(call("b"));
      w.drain();
      assertThat(w.dropped()).isEqualTo(2);
      Files.delete(blocker);
      w.offer(call("c"));
      w.drain();
      assertThat(w.dropped()).isEqualTo(2);
      assertThat(Files.readAllLines(file)).singleElement().asString().contains("\"c\"");
    }
  }

  @Test
  void nonsenseSizesAreRefusedWithTheSettingsName() {
    assertThatThrownBy(() -> new AccessLogWriter(dir.resolve("a"), 0, 1, 0, AccessLog::write))
        .hasMessageContaining("meshgate.access-log.buffer-lines");
    assertThatThrownBy(() -> new AccessLogWriter(dir.resolve("a"), -1, 1, 10, AccessLog::write))
        .hasMessageContaining("meshgate.access-log.max-file-mb");
  }
}
