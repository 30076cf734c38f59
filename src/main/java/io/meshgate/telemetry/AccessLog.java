package io.meshgate.telemetry;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The access log: one JSON object per API call, one line each, in a file of its own ({@code
 * access.log} next to Liberty's messages.log, rolled by size) or on the process's standard output
 * (for a container, whose log collector reads it). Lines are written by a background thread in
 * batches ({@link AccessLogWriter}), so a call pays only for queueing its record. It never holds a
 * credential, a token, the raw path or any query value: the path is the API's template.
 */
@ApplicationScoped
public class AccessLog implements CallSink {
  private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());
  private static final JsonGeneratorFactory JSON = Json.createGeneratorFactory(Map.of());

  /** {@code file}, {@code stdout} or {@code off}. */
  @Inject
  @ConfigProperty(name = "meshgate.access-log", defaultValue = "file")
  String target;

  /** The setting {@code meshgate.access-log} replaced: {@code false} still means off. */
  @Inject
  @ConfigProperty(name = "meshgate.access-log.enabled")
  Optional<Boolean> legacyEnabled;

  @Inject
  @ConfigProperty(name = "meshgate.access-log.file", defaultValue = "logs/access.log")
  String file;

  @Inject
  @ConfigProperty(name = "meshgate.access-log.max-file-mb", defaultValue = "100")
  long maxFileMb;

  @Inject
  @ConfigProperty(name = "meshgate.access-log.max-files", defaultValue = "10")
  int maxFiles;

  @Inject
  @ConfigProperty(name = "meshgate.access-log.buffer-lines", defaultValue = "65536")
  int bufferLines;

  @Inject
  @ConfigProperty(name = "meshgate.access-log.flush-ms", defaultValue = "200")
  long flushMs;

  @Inject Telemetry telemetry;

  @Resource ManagedScheduledExecutorService scheduler;

  private AccessLogWriter writer;
  private ScheduledFuture<?> flushing;

  /** Starts with the application, so a wrong setting stops the start with its reason. */
  void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
    // nothing to do: observing the event makes the container create the bean, which runs init()
  }

  @PostConstruct
  void init() {
    if (legacyEnabled.isPresent()) {
      LOG.warning(
          "MESHGATE-ACCESS-LOG: MESHGATE_ACCESS_LOG_ENABLED is replaced by MESHGATE_ACCESS_LOG"
              + " (file, stdout or off)"
              + (legacyEnabled.get() ? "" : "; false is read as off"));
    }
    String where =
        legacyEnabled.isPresent() && !legacyEnabled.get()
            ? "off"
            : target.trim().toLowerCase(Locale.ROOT);
    Path path =
        switch (where) {
          case "off", "false" -> null;
          case "file" -> Path.of(file);
          case "stdout" -> Path.of("");
          default ->
              throw new IllegalArgumentException(
                  "meshgate.access-log (MESHGATE_ACCESS_LOG) must be file, stdout or off (was '"
                      + target
                      + "')");
        };
    if (path == null) {
      return;
    }
    if (flushMs < 1) {
      throw new IllegalArgumentException(
          "meshgate.access-log.flush-ms must be at least 1 (was " + flushMs + ")");
    }
    AccessLogWriter w =
        new AccessLogWriter(
            path.toString().isEmpty() ? null : path,
            maxFileMb * 1024 * 1024,
            maxFiles,
            bufferLines,
            AccessLog::write);
    telemetry
        .meter()
        .counterBuilder("meshgate.access_log.dropped")
        .setDescription(
            "Access-log lines not written: the queue was full or the file could not be written")
        .setUnit("{line}")
        .buildWithCallback(m -> m.record(w.dropped()));
    writer = w;
    w.probe();
    flushing =
        scheduler.scheduleWithFixedDelay(this::drain, flushMs, flushMs, TimeUnit.MILLISECONDS);
    LOG.info(
        "MESHGATE-ACCESS-LOG: one JSON line per API call to "
            + (path.toString().isEmpty() ? "standard output" : path.toAbsolutePath()));
  }

  private void drain() {
    try {
      writer.drain();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "MESHGATE-ACCESS-LOG: writing failed", e);
    }
  }

  @Override
  public void accept(CallRecord call) {
    if (writer != null) {
      writer.offer(call);
    }
  }

  /** What is still queued is written before the application stops. */
  @PreDestroy
  void stop() {
    if (flushing != null) {
      flushing.cancel(false);
    }
    if (writer != null) {
      writer.close();
    }
  }

  /** The JSON line of one call; absent values are {@code null}, never left out. */
  static String line(CallRecord c) {
    StringWriter out = new StringWriter(512);
    write(c, out);
    return out.toString();
  }

  /**
   * Writes the JSON line of one call, without its newline, to {@code out} (closed by the generator:
   * the caller passes a writer whose close only flushes, see {@link AccessLogWriter}).
   */
  static void write(CallRecord c, Writer out) {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      text(g, "time", c.time() == null ? null : c.time().toString());
      text(g, "requestId", c.requestId());
      text(g, "traceId", c.traceId());
      text(g, "spanId", c.spanId());
      text(g, "clientAddress", c.clientAddress());
      text(g, "api", c.api());
      text(g, "apiVersion", c.apiVersion());
      text(g, "plan", c.plan());
      text(g, "app", c.app());
      text(g, "clientId", c.clientId());
      text(g, "method", c.method());
      text(g, "pathTemplate", c.pathTemplate());
      g.write("status", c.status());
      text(g, "errorKey", c.errorKey());
      text(g, "refusedBy", c.refusedBy());
      g.write("bytesIn", c.bytesIn());
      g.write("bytesOut", c.bytesOut());
      g.write("durationMs", millis(c.totalNanos()));
      if (c.upstreamNanos() < 0) {
        g.writeNull("upstreamMs");
      } else {
        g.write("upstreamMs", millis(c.upstreamNanos()));
      }
      g.writeEnd();
    }
  }

  /** Milliseconds, to the microsecond. */
  static BigDecimal millis(long nanos) {
    return BigDecimal.valueOf(nanos / 1000, 3);
  }

  private static void text(JsonGenerator g, String name, String value) {
    if (value == null) {
      g.writeNull(name);
    } else {
      g.write(name, value);
    }
  }
}
