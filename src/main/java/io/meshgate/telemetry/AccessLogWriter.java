package io.meshgate.telemetry;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes access-log lines off the request thread. Request threads only {@link #offer} a record to a
 * bounded queue (never blocking: when the queue is full the line is dropped and counted); {@link
 * #drain} runs on one background thread, turns the queued records into lines and writes them in
 * large buffered writes, to a file that is rolled by size or to the process's standard output.
 *
 * <p>Why not Liberty's logging: it formats and writes every record synchronously on the calling
 * thread, and to messages.log and the console both, which made the access log the largest part of
 * the gateway's CPU per call (bench/results/telemetry-on-off-2026-12-06.md).
 */
final class AccessLogWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AccessLogWriter.class.getName());
  private static final DateTimeFormatter ROLLED =
      DateTimeFormatter.ofPattern("yy.MM.dd_HH.mm.ss.SSS").withZone(ZoneOffset.UTC);
  private static final int BATCH = 4096;

  private final BlockingQueue<CallRecord> queue;
  private final LineFormat format;
  private final Path file;
  private final long maxFileBytes;
  private final int maxFiles;
  private final AtomicLong dropped = new AtomicLong();
  private final List<CallRecord> batch = new ArrayList<>(BATCH);

  /**
   * One line's UTF-8 bytes, reused for every line (only the draining thread writes): formatting
   * into a {@code StringWriter}, then {@code toString} and {@code getBytes}, had copied each line
   * three times, a measurable part of what a call allocates (bench/results/).
   */
  private final ByteArrayOutputStream lineBytes = new ByteArrayOutputStream(1024);

  private Writer lineChars = newLineChars();

  private Writer newLineChars() {
    return new FilterWriter(new OutputStreamWriter(lineBytes, StandardCharsets.UTF_8)) {
      @Override
      public void close() throws IOException {
        flush(); // the formatter closes what it wrote to; the encoder lives on
      }
    };
  }

  /** Writes one call's line, without its newline, to a writer. */
  @FunctionalInterface
  interface LineFormat {
    void write(CallRecord call, Writer out);
  }

  private volatile boolean closed;
  private OutputStream out;
  private long fileBytes;
  private boolean failing;

  /**
   * @param file the file to append to, or {@code null} for the process's standard output (fd 1, not
   *     {@code System.out}, which Liberty captures into its own logs)
   * @param maxFileBytes roll the file before it would grow beyond this; 0: never
   * @param maxFiles rolled files kept next to the current one; older ones are deleted
   * @param capacity lines that may wait to be written; beyond them lines are dropped
   */
  AccessLogWriter(Path file, long maxFileBytes, int maxFiles, int capacity, LineFormat format) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "meshgate.access-log.buffer-lines must be at least 1 (was " + capacity + ")");
    }
    if (maxFileBytes < 0 || maxFiles < 0) {
      throw new IllegalArgumentException(
          "meshgate.access-log.max-file-mb and meshgate.access-log.max-files must not be negative");
    }
    this.file = file;
    this.maxFileBytes = maxFileBytes;
    this.maxFiles = maxFiles;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.format = format;
  }

  /** Queues a call's line; {@code false} (and counted) when the queue is full. Never blocks. */
  boolean offer(CallRecord call) {
    if (!closed && queue.offer(call)) {
      return true;
    }
    dropped.incrementAndGet();
    return false;
  }

  /** Lines dropped so far: the queue was full, or the file could not be written. */
  long dropped() {
    return dropped.get();
  }

  /** Opens the file now, so a path that cannot be written is reported at start. */
  synchronized void probe() {
    try {
      stream().flush();
    } catch (IOException e) {
      closeQuietly();
      failing = true;
      LOG.warning(
          "MESHGATE-ACCESS-LOG: cannot write "
              + where()
              + "; access-log lines are dropped (meshgate_access_log_dropped_total) until it can: "
              + e);
    }
  }

  /** Writes every queued line. Called by one thread at a time. */
  synchronized void drain() {
    while (queue.drainTo(batch, BATCH) > 0) {
      try {
        write(batch);
        if (failing) {
          failing = false;
          LOG.info("MESHGATE-ACCESS-LOG: writing " + where() + " again");
        }
      } catch (IOException | RuntimeException e) {
        dropped.addAndGet(batch.size());
        closeQuietly();
        if (!failing) {
          failing = true;
          LOG.log(
              Level.WARNING,
              "MESHGATE-ACCESS-LOG: cannot write "
                  + where()
                  + "; access-log lines are dropped (meshgate_access_log_dropped_total) until it"
                  + " can: "
                  + e,
              e);
        }
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<CallRecord> calls) throws IOException {
    for (CallRecord call : calls) {
      lineBytes.reset();
      try {
        format.write(call, lineChars);
        lineChars.flush();
      } catch (IOException | RuntimeException e) {
        // What the encoder still holds of the broken line must not open the next one.
        lineChars = newLineChars();
        throw e;
      }
      int length = lineBytes.size();
      if (file != null
          && maxFileBytes > 0
          && fileBytes > 0
          && fileBytes + length + 1 > maxFileBytes) {
        try {
          roll();
        } catch (IOException e) {
          // Keep appending to the current file rather than losing lines; try again after
          // another maxFileBytes.
          fileBytes = 0;
          LOG.warning(
              "MESHGATE-ACCESS-LOG: cannot roll " + where() + ", appending to it instead: " + e);
        }
      }
      OutputStream o = stream();
      lineBytes.writeTo(o);
      o.write('\n');
      fileBytes += length + 1;
    }
    if (out != null) {
      out.flush();
    }
  }

  private OutputStream stream() throws IOException {
    if (out == null) {
      if (file == null) {
        out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
      } else {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
          Files.createDirectories(dir);
        }
        out = new BufferedOutputStream(new FileOutputStream(file.toFile(), true), 1 << 16);
        fileBytes = Files.size(file);
      }
    }
    return out;
  }

  /** access.log becomes access_yy.MM.dd_HH.mm.ss.SSS.log (UTC); the oldest beyond maxFiles go. */
  private void roll() throws IOException {
    closeQuietly();
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    String stamp = base + "_" + ROLLED.format(ZonedDateTime.now());
    Path rolled = file.resolveSibling(stamp + ext);
    // two rolls in one millisecond: _1, _2, ... sort after the first (by name, as below)
    for (int n = 1; Files.exists(rolled); n++) {
      rolled = file.resolveSibling(stamp + "_" + n + ext);
    }
    Files.move(file, rolled);
    fileBytes = 0;
    // only files this writer rolled: base_yy.MM.dd_HH.mm.ss.SSS[_n]ext
    Pattern mine =
        Pattern.compile(
            Pattern.quote(base)
                + "_\\d{2}\\.\\d{2}\\.\\d{2}_\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{3}(_\\d+)?"
                + Pattern.quote(ext));
    List<Path> old;
    try (Stream<Path> siblings = Files.list(file.toAbsolutePath().getParent())) {
      old =
          siblings
              .filter(p -> mine.matcher(p.getFileName().toString()).matches())
              .sorted()
              .toList();
    }
    for (int i = 0; i < old.size() - maxFiles; i++) {
      Files.deleteIfExists(old.get(i));
    }
  }

  private String where() {
    return file == null ? "standard output" : file.toString();
  }

  private void closeQuietly() {
    if (out != null) {
      try {
        if (file == null) {
          out.flush(); // never close fd 1
        } else {
          out.close();
        }
      } catch (IOException e) {
        // the next write reopens the file, or reports why it cannot
      }
      out = null;
    }
  }

  /** Writes what is queued, then releases the file. */
  @Override
  public synchronized void close() {
    closed = true; // calls that end from now on are counted as dropped
    drain();
    closeQuietly();
  }
}
