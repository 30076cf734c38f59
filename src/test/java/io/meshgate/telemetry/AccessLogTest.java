package io.meshgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessLogTest {

  @Test
  void aLineIsOneJsonObjectWithEveryFieldAndNullsForWhatIsUnknown() {
    CallRecord refused =
        new CallRecord(
            Instant.parse("2026-12-06T10:00:00.123Z"),
            "req-1",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            "10.0.0.7",
            "orders",
            "v2",
            null,
            null,
            null,
            "GET",
            "/orders/*",
            401,
            "INVALID_API_KEY",
            "client-auth",
            0,
            187,
            1_234_567,
            -1);
    String line = AccessLog.line(refused);
    assertThat(line).doesNotContain("\n");
    JsonObject json = Json.createReader(new StringReader(line)).readObject();
    assertThat(json).hasSize(19);
    assertThat(json.getString("time")).isEqualTo("2026-12-06T10:00:00.123Z");
    assertThat(json.getString("errorKey")).isEqualTo("INVALID_API_KEY");
    assertThat(json.isNull("plan")).isTrue();
    assertThat(json.isNull("upstreamMs")).isTrue();
    assertThat(json.getJsonNumber("durationMs").bigDecimalValue()).isEqualByComparingTo("1.234");
    assertThat(json.getInt("bytesOut")).isEqualTo(187);
  }

  @Test
  void namesWithQuotesAndControlCharactersStayInsideTheirField() {
    CallRecord call =
        new CallRecord(
            Instant.EPOCH,
            "r\"\n{",
            null,
            null,
            null,
            "a\"pi",
            null,
            "p",
            "app\u2028x",
            "c",
            "GET",
            "/",
            200,
            null,
            null,
            0,
            0,
            0,
            0);
    JsonObject json = Json.createReader(new StringReader(AccessLog.line(call))).readObject();
    assertThat(json.getString("requestId")).isEqualTo("r\"\n{");
    assertThat(json.getString("api")).isEqualTo("a\"pi");
    assertThat(json.getString("app")).isEqualTo("app\u2028x");
    assertThat(AccessLog.line(call).lines()).hasSize(1);
  }
}
