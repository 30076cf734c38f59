package io.meshgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshgate.admin.apis.ApiRequest;
import io.meshgate.admin.apps.AppRequest;
import io.meshgate.admin.apps.CredentialRequest;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.products.PlanRequest;
import io.meshgate.admin.products.ProductRequest;
import io.meshgate.admin.subscriptions.MigrateRequest;
import io.meshgate.admin.subscriptions.SubscriptionRequest;
import io.meshgate.catalog.api.MeshDestination;
import io.meshgate.limit.LimitSpec;
import io.meshgate.support.Problem;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every admin request rule with its exact message and field path (STYLE rule 3). */
class AdminRequestValidationTest {
  private static ValidatorFactory validation;
  private static RequestValidator validator;

  @BeforeAll
  static void start() {
    validation = Validation.buildDefaultValidatorFactory();
    validator = new RequestValidator(validation.getValidator());
  }

  @AfterAll
  static void stop() {
    validation.close();
  }

  // --- APIs

  @Test
  void aValidApiHasNoViolations() {
    assertThat(validator.violationsOf(api("/orders", "https://svc.mesh:8443/v1"))).isEmpty();
    assertThat(validator.violationsOf(api("/", "http://svc"))).isEmpty();
    assertThat(validator.violationsOf(api("/a/b-c/v1.2", "http://svc/x/y"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "orders",
        "/orders/",
        "//orders",
        "/a//b",
        "/a/./b",
        "/a/..",
        "/.",
        "/a b",
        "/a?b",
        "/%2e"
      })
  void badBasePathsAreRefusedWithOneMessage(String basePath) {
    assertThat(validator.violationsOf(api(basePath, "http://svc")))
        .containsExactly(
            new Problem.Violation(
                "basePath",
                "must start with '/', must not end with '/' (unless it is \"/\"), and must not"
                    + " contain empty, '.' or '..' segments or characters outside a URL path (was "
                    + basePath
                    + ")"));
  }

  @Test
  void dotsInsideASegmentAreFine() {
    assertThat(validator.violationsOf(api("/v1.2/..x/.well", "http://svc"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://svc",
        "svc:80",
        "/relative",
        "http://",
        "http://svc?q=1",
        "http://svc/#f",
        "http://u@svc"
      })
  void upstreamMustBeAnAbsoluteHttpUrl(String url) {
    assertThat(validator.violationsOf(api("/x", url)))
        .containsExactly(
            new Problem.Violation(
                "upstreamUrl",
                "must be an absolute http or https URL without query or fragment (was "
                    + url
                    + ")"));
  }

  @Test
  void everyApiViolationIsListedWithItsField() {
    ApiRequest bad =
        new ApiRequest(
            " ",
            "v 1",
            null,
            null,
            null,
            0,
            600_001,
            "live",
            Arrays.asList(new ApiRequest.Step("", null), null),
            null);
    assertThat(validator.violationsOf(bad))
        .containsExactly(
            new Problem.Violation("basePath", "is required"),
            new Problem.Violation("connectTimeoutMs", "must be at most 600000 (was 600001)"),
            new Problem.Violation("name", "must not be blank (was  )"),
            new Problem.Violation("readTimeoutMs", "must be at least 1 (was 0)"),
            new Problem.Violation("state", "must be draft, published or retired (was live)"),
            new Problem.Violation("steps[0].policy", "must not be blank (was )"),
            new Problem.Violation("steps[1]", "must not be null"),
            new Problem.Violation("upstreamUrl", "is required"),
            new Problem.Violation(
                "version", "must be 1 to 50 letters, digits, '.', '_' or '-' (was v 1)"));
  }

  // --- plans

  @Test
  void aValidPlanHasNoViolations() {
    assertThat(validator.violationsOf(plan("gold-1", 300, new LimitSpec.Rate(1L, "hour"))))
        .isEmpty();
  }

  @Test
  void aRateLimitOfMinusOneNamesRateLimitLimit() {
    assertThat(validator.violationsOf(plan("gold", 300, new LimitSpec.Rate(-1L, "minute"))))
        .containsExactly(new Problem.Violation("rateLimit.limit", "must be at least 1 (was -1)"));
  }

  @Test
  void everyPlanViolationIsListedWithItsField() {
    PlanRequest bad =
        new PlanRequest(
            "Gold Plan",
            null,
            null,
            Arrays.asList("ok", "has space", null),
            29,
            new LimitSpec.Rate(null, "week"),
            new LimitSpec.Burst(0L, 3_600_001L),
            new PlanRequest.Quota(0L, "year", "maybe", null),
            "fail-sometimes");
    assertThat(validator.violationsOf(bad))
        .containsExactly(
            new Problem.Violation("burst.limit", "must be at least 1 (was 0)"),
            new Problem.Violation("burst.windowMs", "must be at most 3600000 (was 3600001)"),
            new Problem.Violation(
                "name", "must be 1 to 50 lowercase letters, digits or '-' (was Gold Plan)"),
            new Problem.Violation(
                "onLimiterError", "must be fail-open or fail-closed (was fail-sometimes)"),
            new Problem.Violation("quota.enforcement", "must be hard or soft (was maybe)"),
            new Problem.Violation("quota.limit", "must be at least 1 (was 0)"),
            new Problem.Violation("quota.per", "must be day or month (was year)"),
            new Problem.Violation("rateLimit.limit", "is required"),
            new Problem.Violation("rateLimit.per", "must be second, minute or hour (was week)"),
            new Problem.Violation(
                "scopes[1]",
                "must be 1 to 100 visible characters without spaces or quotes (was has space)"),
            new Problem.Violation("scopes[2]", "must not be null"),
            new Problem.Violation("tokenTtlSeconds", "must be at least 30 (was 29)"));
  }

  @Test
  void tokenTtlIsAtMostADay() {
    assertThat(validator.violationsOf(plan("p", 86_401, null)))
        .containsExactly(
            new Problem.Violation("tokenTtlSeconds", "must be at most 86400 (was 86401)"));
    assertThat(validator.violationsOf(plan("p", 86_400, null))).isEmpty();
  }

  // --- products, apps, credentials, subscriptions

  @Test
  void productRules() {
    assertThat(
            validator.violationsOf(
                new ProductRequest("a b", "x".repeat(201), Arrays.asList(1L, null))))
        .containsExactly(
            new Problem.Violation("apis[1]", "must not be null"),
            new Problem.Violation(
                "name", "must be 1 to 100 letters, digits, '.', '_' or '-' (was a b)"),
            new Problem.Violation(
                "title", "must be at most 200 characters (was " + "x".repeat(100) + "…)"));
  }

  @Test
  void appRules() {
    assertThat(validator.violationsOf(new AppRequest(null, null, "ab")))
        .containsExactly(
            new Problem.Violation(
                "clientId", "must be 3 to 100 letters, digits, '.', '_' or '-' (was ab)"),
            new Problem.Violation("name", "must not be blank"));
    assertThat(validator.violationsOf(new AppRequest("app", "team", null))).isEmpty();
  }

  @Test
  void credentialExpiryMustBeInTheFuture() {
    Instant past = Instant.parse("2001-01-01T00:00:00Z");
    assertThat(validator.violationsOf(new CredentialRequest(past, null)))
        .containsExactly(
            new Problem.Violation("expiresAt", "must be in the future (was 2001-01-01T00:00:00Z)"));
    assertThat(validator.violationsOf(new CredentialRequest(null, null))).isEmpty();
  }

  @Test
  void subscriptionRules() {
    assertThat(validator.violationsOf(new SubscriptionRequest(null, null)))
        .containsExactly(
            new Problem.Violation("appId", "is required"),
            new Problem.Violation("planId", "is required"));
    assertThat(validator.violationsOf(new MigrateRequest(null)))
        .containsExactly(new Problem.Violation("planId", "is required"));
  }

  @Test
  void checkThrowsValidationFailedOrMalformedBody() {
    assertThatThrownBy(() -> validator.check(new MigrateRequest(null)))
        .isInstanceOfSatisfying(
            AdminException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.errorKey()).isEqualTo("VALIDATION_FAILED");
              assertThat(e.violations()).hasSize(1);
            });
    assertThatThrownBy(() -> validator.check(null))
        .isInstanceOfSatisfying(
            AdminException.class, e -> assertThat(e.errorKey()).isEqualTo("MALFORMED_BODY"));
  }

  // --- paging

  @Test
  void pagingDefaultsAndLimits() {
    assertThat(Page.Request.of(null, null)).isEqualTo(new Page.Request(0, 50));
    assertThat(Page.Request.of("2", "500").offset()).isEqualTo(1000);
    assertThatThrownBy(() -> Page.Request.of("-1", "501"))
        .isInstanceOfSatisfying(
            AdminException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(
                        new Problem.Violation("page", "must be 0 or more (was -1)"),
                        new Problem.Violation("size", "must be between 1 and 500 (was 501)")));
    assertThatThrownBy(() -> Page.Request.of("x", "0"))
        .isInstanceOfSatisfying(
            AdminException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(new Problem.Violation("page", "must be an integer (was x)")));
  }

  // --- JSON binding of admin bodies

  @Test
  void theStrictJsonbIsOnlyForAdminTypes() {
    AdminJson resolver = new AdminJson();
    assertThat(resolver.getContext(AppRequest.class)).isSameAs(AdminJson.JSONB);
    assertThat(resolver.getContext(Page.class)).isSameAs(AdminJson.JSONB);
    assertThat(resolver.getContext(String.class)).isNull();
    assertThat(resolver.getContext(List.class)).isNull();
    assertThat(resolver.getContext(io.meshgate.catalog.seed.CatalogSeed.class)).isNull();
  }

  @Test
  void everyMeshDestinationViolationIsListedWithItsField() {
    MeshDestination mesh =
        new MeshDestination(
            "Reviews",
            "book_info",
            0,
            70_000,
            Map.of("app", "-x"),
            "version/",
            List.of(),
            Map.of("Gold", List.of(new MeshDestination.Backend("v1", 101))),
            new MeshDestination.ConnectionPool(0, null, null),
            new MeshDestination.OutlierDetection(null, 0, 3601, -1));
    String label =
        "must be a Kubernetes name: lower-case letters, digits and '-', at most 63, starting and"
            + " ending with a letter or digit";
    assertThat(validator.violationsOf(mesh))
        .containsExactly(
            new Problem.Violation(
                "connectionPool.maxConnections", "must be between 1 and 1000000 (was 0)"),
            new Problem.Violation("defaultRoute", "must list 1 to 10 backends"),
            new Problem.Violation("namespace", label + " (was book_info)"),
            new Problem.Violation(
                "outlierDetection.baseEjectionSeconds", "must be between 1 and 3600 (was 3601)"),
            new Problem.Violation("outlierDetection.consecutive5xxErrors", "is required"),
            new Problem.Violation(
                "outlierDetection.intervalSeconds", "must be between 1 and 3600 (was 0)"),
            new Problem.Violation(
                "outlierDetection.maxEjectionPercent", "must be between 0 and 100 (was -1)"),
            new Problem.Violation(
                "plans[Gold]", "must be a plan name (lowercase letters, digits, '-') (was Gold)"),
            new Problem.Violation("plans[Gold][0].weight", "must be between 0 and 100 (was 101)"),
            new Problem.Violation("port", "must be between 1 and 65535 (was 0)"),
            new Problem.Violation("service", label + " (was Reviews)"),
            new Problem.Violation("targetPort", "must be between 1 and 65535 (was 70000)"),
            new Problem.Violation(
                "versionLabel",
                "must be a Kubernetes label key, e.g. version or app.kubernetes.io/version (was"
                    + " version/)"),
            new Problem.Violation(
                "workloadLabels[app]",
                "must be a Kubernetes label value: letters, digits, '-', '_' or '.', at most 63"
                    + " (was -x)"));
  }

  @Test
  void routesWithSeveralBackendsNeedWeightsThatAddUpTo100() {
    MeshDestination mesh =
        new MeshDestination(
            "reviews",
            "bookinfo",
            null,
            null,
            null,
            null,
            List.of(new MeshDestination.Backend("v1", null), new MeshDestination.Backend("v2", 50)),
            Map.of(
                "beta",
                List.of(
                    new MeshDestination.Backend("v3", 90), new MeshDestination.Backend("v2", 20)),
                "gold",
                List.of(
                    new MeshDestination.Backend("v2", 50), new MeshDestination.Backend("v2", 50))),
            null,
            null);
    assertThat(validator.violationsOf(mesh)).isEmpty();
    MeshDestination reserved =
        new MeshDestination(
            "a-service-with-a-rather-long-name-for-the-gateway-api-form",
            "istio-system",
            null,
            null,
            null,
            null,
            List.of(new MeshDestination.Backend("version-7", null)),
            null,
            null,
            null);
    assertThat(reserved.routeProblems())
        .containsExactly(
            "namespace: must not be istio-system: a policy there can reach the workloads of other"
                + " namespaces",
            "defaultRoute: a-service-with-a-rather-long-name-for-the-gateway-api-form-version-7 (the"
                + " version's Service in the Gateway API form) must be at most 63 characters");
    assertThat(mesh.routeProblems())
        .containsExactly(
            "defaultRoute: every backend needs a weight when a route has more than one",
            "plans.beta: weights must add up to 100 (they add up to 110)",
            "plans.gold: must name each version once");
  }

  private static ApiRequest api(String basePath, String upstream) {
    return new ApiRequest(
        "orders",
        "v1",
        basePath,
        upstream,
        null,
        null,
        null,
        null,
        List.of(new ApiRequest.Step("token", null)),
        null);
  }

  private static PlanRequest plan(String name, Integer ttl, LimitSpec.Rate rate) {
    return new PlanRequest(name, null, null, List.of("a:read"), ttl, rate, null, null, null);
  }
}
