package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.LimitedApi;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Plan limits through the real server: in the PostgreSQL suite counted in the real local Redis, in
 * the H2 suite on the one replica.
 */
class RateLimitIT extends OnManagedGateway {
  private static final Pattern SIGNATURES =
      Pattern.compile("(?m)^meshgate_token_signatures_total(?:\\{[^}]*\\})?\\s+([0-9.Ee+]+)$");
  private final Gateways gw = Gateways.get();

  @Test
  void fiftyConcurrentCallsAtTenPerSecondAdmitExactlyTenEveryTime() {
    LimitedApi api =
        new LimitedApi("{}", Map.of("ten", "\"rateLimit\":{\"limit\":10,\"per\":\"second\"}"));
    int slowBursts = 0;
    for (int round = 1; round <= 20; round++) {
      LimitedApi.App app = api.subscribe("ten");
      String path = api.basePath + "/burst-" + round + "-" + slowBursts;
      LimitedApi.Burst burst = LimitedApi.timedBurst(gw.server().uri(path), app.key(), 50);
      if (burst.millis() >= 950) {
        // Calls that span more than the 1 s window may rightly be admitted past 10 (a GC pause or
        // a busy CI machine stretches a burst): such a round proves nothing, so it is done again
        // with a fresh app, at most 5 times in all.
        System.out.printf(
            "[rate-limit] round %d took %d ms; repeating it%n", round, burst.millis());
        assertThat(++slowBursts).as("bursts slower than the window").isLessThanOrEqualTo(5);
        round--;
        continue;
      }
      List<HttpResponse<String>> responses = burst.responses();
      long admitted = responses.stream().filter(r -> r.statusCode() == 200).count();
      long refused = responses.stream().filter(r -> r.statusCode() == 429).count();
      assertThat(admitted).as("round %d: admitted", round).isEqualTo(10);
      assertThat(refused).as("round %d: refused", round).isEqualTo(40);
      for (HttpResponse<String> r : responses) {
        assertThat(r.headers().firstValue("RateLimit-Limit")).hasValue("10");
        if (r.statusCode() == 429) {
          assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
          assertThat(LimitedApi.json(r.body()).getString("errorKey"))
              .isEqualTo("RATE_LIMIT_EXCEEDED");
          assertThat(r.headers().firstValue("RateLimit-Remaining")).hasValue("0");
          assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
              .isBetween(1L, 2L);
        }
      }
      assertThat(gw.upstream().requestsContaining(path)).hasSize(10);
    }
  }

  @Test
  void call101OfADailyQuotaOf100IsRefusedUntilTheNextDayInItsTimeZone() {
    ZoneId auckland = ZoneId.of("Pacific/Auckland");
    LimitedApi api =
        new LimitedApi(
            "{}",
            Map.of(
                "daily",
                "\"quota\":{\"limit\":100,\"per\":\"day\",\"timeZone\":\"Pacific/Auckland\"}"));
    LimitedApi.App app = api.subscribe("daily");
    for (int i = 1; i <= 100; i++) {
      HttpResponse<String> r =
          Http.get(gw.server().uri(api.basePath + "/q-" + i), "X-API-Key", app.key());
      assertThat(r.statusCode()).as("call %d: %s", i, r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("RateLimit-Remaining")).hasValue(Long.toString(100 - i));
    }
    HttpResponse<String> refused =
        Http.get(gw.server().uri(api.basePath + "/q-101"), "X-API-Key", app.key());
    Instant now = Instant.now();
    assertThat(refused.statusCode()).isEqualTo(429);
    JsonObject problem = LimitedApi.json(refused.body());
    assertThat(problem.getString("errorKey")).isEqualTo("QUOTA_EXCEEDED");
    long midnight =
        LocalDate.ofInstant(now, auckland).plusDays(1).atStartOfDay(auckland).toEpochSecond();
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(now.getEpochSecond() + retryAfter).isBetween(midnight - 2, midnight + 1);
    assertThat(refused.headers().firstValue("RateLimit-Limit")).hasValue("100");
    assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    assertThat(gw.upstream().requestsContaining(api.basePath + "/q-101")).isEmpty();
  }

  @Test
  void migratingFreeToPremiumMidDayKeepsTheQuotaUsedAndAppliesPremiumNext() {
    LimitedApi api =
        new LimitedApi(
            "{}",
            Map.of(
                "free",
                "\"quota\":{\"limit\":5,\"per\":\"day\"}",
                "premium",
                "\"quota\":{\"limit\":8,\"per\":\"day\"},"
                    + "\"rateLimit\":{\"limit\":1000,\"per\":\"second\"}"));
    LimitedApi.App app = api.subscribe("free");
    for (int i = 0; i < 5; i++) {
      assertThat(call(api, app, "/m").statusCode()).isEqualTo(200);
    }
    assertThat(call(api, app, "/m").statusCode()).isEqualTo(429);

    LimitedApi.admin(
        "POST",
        "/admin/v1/subscriptions/" + app.subscriptionId() + "/migrate",
        "{\"planId\":" + api.planId("premium") + "}");

    HttpResponse<String> next = call(api, app, "/m");
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    // Premium's quota of 8, with the 5 calls made on free still counted: 6 used, 2 left.
    assertThat(next.headers().firstValue("RateLimit-Limit")).hasValue("8");
    assertThat(next.headers().firstValue("RateLimit-Remaining")).hasValue("2");
    assertThat(call(api, app, "/m").statusCode()).isEqualTo(200);
    assertThat(call(api, app, "/m").statusCode()).isEqualTo(200);
    HttpResponse<String> over = call(api, app, "/m");
    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(LimitedApi.json(over.body()).getString("errorKey")).isEqualTo("QUOTA_EXCEEDED");
  }

  @Test
  void refusedCallsNeverReachTheUpstreamNorMintAToken() {
    LimitedApi api =
        new LimitedApi("{}", Map.of("two", "\"rateLimit\":{\"limit\":2,\"per\":\"minute\"}"));
    LimitedApi.App app = api.subscribe("two");
    double before = signatures();
    HttpResponse<String> first = call(api, app, "/sig");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(call(api, app, "/sig").statusCode()).isEqualTo(200);
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = call(api, app, "/sig");
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 63L);
    }
    assertThat(gw.upstream().requestsContaining(api.basePath + "/sig")).hasSize(2);
    assertThat(signatures() - before).isEqualTo(1.0); // the first call's token, cached after
    // The limit headers go to the client only, never upstream.
    assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue("1");
    gw.upstream()
        .requestsContaining(api.basePath + "/sig")
        .forEach(
            r -> {
              assertThat(r.header("ratelimit-limit")).isEmpty();
              assertThat(r.header("ratelimit-remaining")).isEmpty();
            });
    // A flood of refusals is not a flood of log lines.
    assertThat(gw.server().messages())
        .doesNotContain(" W SRVE8115W")
        .doesNotContain(" W MESHGATE-LIMITER");
  }

  @Test
  void callsWithHeadersTooLargeForTheMeshUseNoQuota() {
    LimitedApi api =
        new LimitedApi("{}", Map.of("two", "\"rateLimit\":{\"limit\":2,\"per\":\"minute\"}"));
    LimitedApi.App app = api.subscribe("two");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          Http.get(
              gw.server().uri(api.basePath + "/big"),
              "X-API-Key",
              app.key(),
              "X-Pad",
              "a".repeat(60_000));
      assertThat(r.statusCode()).isEqualTo(431);
      assertThat(r.headers().firstValue("RateLimit-Remaining")).isEmpty();
    }
    assertThat(call(api, app, "/small").headers().firstValue("RateLimit-Remaining")).hasValue("1");
    assertThat(call(api, app, "/small").headers().firstValue("RateLimit-Remaining")).hasValue("0");
    assertThat(gw.upstream().requestsContaining(api.basePath + "/big")).isEmpty();
  }

  @Test
  void aPlanLimitChangeAppliesToTheNextCall() {
    LimitedApi api =
        new LimitedApi("{}", Map.of("basic", "\"rateLimit\":{\"limit\":1,\"per\":\"hour\"}"));
    LimitedApi.App app = api.subscribe("basic");
    assertThat(call(api, app, "/chg").statusCode()).isEqualTo(200);
    assertThat(call(api, app, "/chg").statusCode()).isEqualTo(429);
    LimitedApi.admin(
        "PUT",
        "/admin/v1/products/" + api.productId + "/plans/" + api.planId("basic"),
        "{\"name\":\"basic\",\"rateLimit\":{\"limit\":3,\"per\":\"hour\"}}");
    HttpResponse<String> after = call(api, app, "/chg");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.headers().firstValue("RateLimit-Limit")).hasValue("3");
    assertThat(after.headers().firstValue("RateLimit-Remaining")).hasValue("1");
  }

  @Test
  void usageShowsTheCountsAndAnAuditedResetClearsThem() {
    LimitedApi api =
        new LimitedApi(
            "{}",
            Map.of(
                "metered",
                "\"rateLimit\":{\"limit\":3,\"per\":\"minute\"},"
                    + "\"quota\":{\"limit\":10,\"per\":\"month\",\"enforcement\":\"soft\"}"));
    LimitedApi.App app = api.subscribe("metered");
    for (int i = 0; i < 4; i++) {
      call(api, app, "/u");
    }
    String usagePath = "/admin/v1/subscriptions/" + app.subscriptionId() + "/usage";
    JsonObject usage = LimitedApi.admin("GET", usagePath, null);
    assertThat(usage.getString("counting")).isEqualTo(gw.redis() ? "redis" : "local");
    assertThat(usage.getJsonObject("rateLimit").getInt("used")).isEqualTo(3);
    assertThat(usage.getJsonObject("rateLimit").getInt("remaining")).isZero();
    assertThat(usage.getJsonObject("quota").getInt("used")).isEqualTo(3);
    assertThat(usage.getJsonObject("quota").getString("enforcement")).isEqualTo("soft");
    assertThat(usage.getJsonObject("quota").getString("timeZone")).isEqualTo("UTC");
    assertThat(usage.containsKey("burst")).isFalse();

    HttpResponse<String> viewer =
        AdminClient.send(
            gw.server(), AdminClient.viewerToken(), "POST", usagePath + "/reset", null);
    assertThat(viewer.statusCode()).isEqualTo(403);

    JsonObject reset = LimitedApi.admin("POST", usagePath + "/reset", null);
    assertThat(reset.getJsonObject("rateLimit").getInt("used")).isZero();
    assertThat(reset.getJsonObject("quota").getInt("used")).isZero();
    assertThat(call(api, app, "/u").statusCode()).isEqualTo(200);

    JsonObject audit =
        LimitedApi.admin(
            "GET",
            "/admin/v1/audit?entityType=subscription&entityId=" + app.subscriptionId(),
            null);
    assertThat(audit.toString()).contains("subscription.usage.reset");
  }

  @Test
  void anOperationLimitAppliesOnlyToItsMethodAndPath() {
    LimitedApi api =
        new LimitedApi(
            "{\"legacyHeaders\":true,\"operations\":[{\"method\":\"POST\",\"path\":\"/orders/{id}\","
                + "\"rateLimit\":{\"limit\":1,\"per\":\"minute\"}}]}",
            Map.of("open", ""));
    LimitedApi.App app = api.subscribe("open");
    assertThat(post(api, app, "/orders/1").statusCode()).isEqualTo(200);
    HttpResponse<String> second = post(api, app, "/orders/2");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue("X-RateLimit-Limit")).hasValue("1");
    assertThat(LimitedApi.json(second.body()).getString("detail"))
        .contains("operation POST /orders/{id}");
    assertThat(call(api, app, "/orders/2").statusCode()).isEqualTo(200);
    assertThat(post(api, app, "/orders/2/items").statusCode()).isEqualTo(200);
  }

  @Test
  void badLimitsAreRefusedWithTheFieldNamed() {
    LimitedApi api = new LimitedApi("{}", Map.of());
    HttpResponse<String> r =
        AdminClient.send(
            "POST",
            "/admin/v1/products/" + api.productId + "/plans",
            "{\"name\":\"bad\",\"quota\":{\"limit\":5,\"per\":\"day\",\"timeZone\":\"Mars/Olympus\"}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("quota.timeZone")
        .contains("must be an IANA time zone id such as UTC or Europe/Berlin (was Mars/Olympus)");
    HttpResponse<String> offset =
        AdminClient.send(
            "POST",
            "/admin/v1/products/" + api.productId + "/plans",
            "{\"name\":\"bad\",\"quota\":{\"limit\":5,\"per\":\"day\",\"timeZone\":\"GMT+2\"}}");
    assertThat(offset.statusCode()).isEqualTo(400);
    assertThat(offset.body()).contains("(was GMT+2)");
  }

  private HttpResponse<String> call(LimitedApi api, LimitedApi.App app, String path) {
    return Http.get(gw.server().uri(api.basePath + path), "X-API-Key", app.key());
  }

  private HttpResponse<String> post(LimitedApi api, LimitedApi.App app, String path) {
    return Http.send(
        java.net.http.HttpRequest.newBuilder(gw.server().uri(api.basePath + path))
            .header("X-API-Key", app.key())
            .timeout(Duration.ofSeconds(30))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
  }

  private double signatures() {
    HttpResponse<String> metrics = Http.get(gw.server().adminUri("/metrics"));
    assertThat(metrics.statusCode()).isEqualTo(200);
    Matcher m = SIGNATURES.matcher(metrics.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }
}
