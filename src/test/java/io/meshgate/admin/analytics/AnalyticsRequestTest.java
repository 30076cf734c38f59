package io.meshgate.admin.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.meshgate.admin.error.AdminException;
import io.meshgate.analytics.AnalyticsQuery;
import io.meshgate.analytics.Dimension;
import io.meshgate.support.Problem;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule of the analytics query parameters with its exact message (STYLE rule 3). */
class AnalyticsRequestTest {
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:30Z");

  private static AnalyticsQuery parse(
      String from, String to, String groupBy, String status, String statusClass, String top) {
    return AnalyticsRequest.parse(
        from, to, groupBy, null, null, null, status, statusClass, top, NOW);
  }

  @Test
  void withoutParametersTheLastHourByMinuteAndApiTop100() {
    AnalyticsQuery q = parse(null, null, null, null, null, null);
    assertThat(q.from()).isEqualTo(NOW.minusSeconds(3600));
    assertThat(q.to()).isEqualTo(NOW);
    assertThat(q.groupBy()).containsExactly(Dimension.MINUTE, Dimension.API);
    assertThat(q.top()).isEqualTo(100);
    assertThat(q.api()).isNull();
    assertThat(q.status()).isNull();
    assertThat(q.statusClass()).isNull();
  }

  @Test
  void everyParameterIsTaken() {
    AnalyticsQuery q =
        AnalyticsRequest.parse(
            "2030-01-01T10:00:00Z",
            "2030-01-01T11:00:00Z",
            "statusClass,app,plan,status,api,minute",
            "orders",
            "gold",
            "client-1",
            "429",
            "4xx",
            "1000",
            NOW);
    assertThat(q.from()).isEqualTo(Instant.parse("2030-01-01T10:00:00Z"));
    assertThat(q.to()).isEqualTo(Instant.parse("2030-01-01T11:00:00Z"));
    assertThat(q.groupBy())
        .containsExactly(
            Dimension.STATUS_CLASS,
            Dimension.APP,
            Dimension.PLAN,
            Dimension.STATUS,
            Dimension.API,
            Dimension.MINUTE);
    assertThat(List.of(q.api(), q.plan(), q.app(), q.statusClass()))
        .containsExactly("orders", "gold", "client-1", "4xx");
    assertThat(q.status()).isEqualTo(429);
    assertThat(q.top()).isEqualTo(1000);
  }

  @Test
  void onlyFromRunsToNowAndOnlyToStartsAnHourBefore() {
    assertThat(parse("2030-01-01T11:30:00Z", null, null, null, null, null).to()).isEqualTo(NOW);
    assertThat(parse(null, "2030-01-01T11:00:00Z", null, null, null, null).from())
        .isEqualTo(Instant.parse("2030-01-01T10:00:00Z"));
    assertThat(parse(null, null, " ", " ", "", "").groupBy())
        .containsExactly(Dimension.MINUTE, Dimension.API);
  }

  @Test
  void thirtyOneDaysIsTheLongestRange() {
    assertThat(parse("2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z", null, null, null, null).to())
        .isEqualTo(Instant.parse("2030-02-01T00:00:00Z"));
    assertThat(violations("2030-01-01T00:00:00Z", "2030-02-01T00:00:01Z", null, null, null, null))
        .containsExactly(
            new Problem.Violation(
                "to",
                "must be at most 31 days after from (2030-01-01T00:00:00Z), was"
                    + " 2030-02-01T00:00:01Z"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "yesterday||from|must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was yesterday)",
        "|2030-01-01|to|must be an ISO-8601 instant such as 2030-01-01T00:00:00Z (was 2030-01-01)",
        "2030-01-01T11:00:00Z|2030-01-01T10:00:00Z|to|must be after from (2030-01-01T11:00:00Z),"
            + " was 2030-01-01T10:00:00Z",
        "2030-01-01T11:00:00Z|2030-01-01T11:00:00Z|to|must be after from (2030-01-01T11:00:00Z),"
            + " was 2030-01-01T11:00:00Z",
        "2030-01-01T13:00:00Z||to|must be after from (2030-01-01T13:00:00Z), was"
            + " 2030-01-01T12:00:30Z"
      })
  void badRangesAreRefusedNamingTheParameter(String from, String to, String field, String message) {
    assertThat(violations(from, to, null, null, null, null))
        .containsExactly(new Problem.Violation(field, message));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "minutes|must be a comma-separated list of minute, api, plan, app, status, statusClass"
            + " (was minutes)",
        "minute,,api|must be a comma-separated list of minute, api, plan, app, status,"
            + " statusClass (was minute,,api)",
        "Minute|must be a comma-separated list of minute, api, plan, app, status, statusClass"
            + " (was Minute)",
        "status_class|must be a comma-separated list of minute, api, plan, app, status,"
            + " statusClass (was status_class)",
        "api,plan,api|names api twice (was api,plan,api)"
      })
  void badGroupByIsRefused(String groupBy, String message) {
    assertThat(violations(null, null, groupBy, null, null, null))
        .containsExactly(new Problem.Violation("groupBy", message));
  }

  @Test
  void spacesAroundGroupByNamesAreAllowed() {
    assertThat(parse(null, null, "plan, status", null, null, null).groupBy())
        .containsExactly(Dimension.PLAN, Dimension.STATUS);
  }

  @ParameterizedTest
  @CsvSource({"99", "600", "abc", "-200", "+200", "2000000000000", "200.0"})
  void statusMustBeAnHttpStatus(String status) {
    assertThat(violations(null, null, null, status, null, null))
        .containsExactly(
            new Problem.Violation(
                "status", "must be an HTTP status from 100 to 599 (was " + status + ")"));
  }

  @ParameterizedTest
  @CsvSource({"4XX", "6xx", "4", "400"})
  void statusClassMustBeOneOfTheFive(String statusClass) {
    assertThat(violations(null, null, null, null, statusClass, null))
        .containsExactly(
            new Problem.Violation(
                "statusClass", "must be one of 1xx, 2xx, 3xx, 4xx, 5xx (was " + statusClass + ")"));
  }

  @ParameterizedTest
  @CsvSource({"0", "1001", "-1", "ten", "99999999999"})
  void topIsFrom1To1000(String top) {
    assertThat(violations(null, null, null, null, null, top))
        .containsExactly(
            new Problem.Violation("top", "must be an integer from 1 to 1000 (was " + top + ")"));
  }

  @Test
  void everyBadParameterIsListedInOneRefusal() {
    AdminException e =
        catchThrowableOfType(() -> parse("x", "y", "z", "1", "2", "0"), AdminException.class);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.errorKey()).isEqualTo("VALIDATION_FAILED");
    assertThat(e.violations())
        .extracting(Problem.Violation::field)
        .containsExactly("to", "from", "groupBy", "status", "statusClass", "top");
  }

  private static List<Problem.Violation> violations(
      String from, String to, String groupBy, String status, String statusClass, String top) {
    AdminException e =
        catchThrowableOfType(
            () -> parse(from, to, groupBy, status, statusClass, top), AdminException.class);
    assertThat(e).as("refused").isNotNull();
    return e.violations();
  }
}
