package io.meshgate.telemetry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The access log: one JSON object per API call, logged at INFO by the logger {@value #LOGGER}
 * through Liberty's logging (messages.log; the console and JSON format as Liberty's logging is
 * configured). It never holds a credential, a token, the raw path or any query value: the path is
 * the API's template.
 */
@ApplicationScoped
public class AccessLog implements CallSink {
  public static final String LOGGER = "meshgate.access";
  private static final Logger LOG = Logger.getLogger(LOGGER);
  private static final JsonGeneratorFactory JSON = Json.createGeneratorFactory(Map.of());

  @Inject
  @ConfigProperty(name = "meshgate.access-log.enabled", defaultValue = "true")
  boolean enabled;

  @Override
  public void accept(CallRecord call) {
    if (enabled && LOG.isLoggable(Level.INFO)) {
      // Source named here: otherwise a formatter asking for it makes the record walk the stack.
      LOG.logp(Level.INFO, LOGGER, "call", line(call));
    }
  }

  /** The JSON line of one call; absent values are {@code null}, never left out. */
  static String line(CallRecord c) {
    StringWriter out = new StringWriter(512);
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
    return out.toString();
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
