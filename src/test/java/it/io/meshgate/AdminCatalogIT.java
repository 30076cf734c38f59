package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubUpstream;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The admin API through the real server: the catalog lifecycle from a new API to a revoked key,
 * with every change visible on the very next data-plane request; invalid bodies, 404s and 409s as
 * problem+json with their error keys; and no secret in any response but the create response, in the
 * audit log or in the server log.
 */
class AdminCatalogIT extends OnManagedGateway {
  private final Gateways gw = Gateways.get();

  // --- the whole lifecycle

  @Test
  void fromNewApiToRevokedKeyEveryChangeServesOnTheNextRequest() {
    String n = unique();
    long apiId = createApi(n, "/adm-" + n, "published");
    JsonObject product =
        created(
            admin(
                "POST",
                "/admin/v1/products",
                "{\"name\":\"prod-" + n + "\",\"title\":\"Product\",\"apis\":[" + apiId + "]}"));
    long productId = id(product);
    long std = createPlan(productId, "std-" + n, false);
    long gold = createPlan(productId, "gold-" + n, true);
    assertThat(std).isNotEqualTo(gold);

    JsonObject app = created(admin("POST", "/admin/v1/apps", "{\"name\":\"app-" + n + "\"}"));
    String key = app.getJsonObject("apiKey").getString("key");
    assertThat(app.getString("clientSecret")).hasSizeGreaterThanOrEqualTo(43);
    assertThat(key).hasSizeGreaterThanOrEqualTo(43);

    JsonObject sub =
        created(
            admin(
                "POST",
                "/admin/v1/subscriptions",
                "{\"appId\":" + id(app) + ",\"planId\":" + gold + "}"));
    assertThat(sub.getString("state")).isEqualTo("pending");
    assertProblem(call(n, key), 403, "SUBSCRIPTION_PENDING");

    JsonObject approved =
        ok(admin("POST", "/admin/v1/subscriptions/" + id(sub) + "/approve", null));
    assertThat(approved.getString("state")).isEqualTo("active");
    String marker = unique();
    HttpResponse<String> served = call(n, key, marker);
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    StubUpstream.Received received = gw.upstream().only(marker);
    assertThat(received.header("x-client-plan")).containsExactly("gold-" + n);
    assertThat(received.header("x-api-product")).containsExactly("prod-" + n);

    ok(admin("POST", "/admin/v1/subscriptions/" + id(sub) + "/suspend", null));
    assertProblem(call(n, key), 403, "SUBSCRIPTION_SUSPENDED");
    ok(admin("POST", "/admin/v1/subscriptions/" + id(sub) + "/resume", null));
    assertThat(call(n, key).statusCode()).isEqualTo(200);

    // Migrate to the plan without approval: still active, now routed as std.
    JsonObject migrated =
        ok(
            admin(
                "POST",
                "/admin/v1/subscriptions/" + id(sub) + "/migrate",
                "{\"planId\":" + std + "}"));
    assertThat(migrated.getString("plan")).isEqualTo("std-" + n);
    assertThat(migrated.getString("state")).isEqualTo("active");
    String marker2 = unique();
    assertThat(call(n, key, marker2).statusCode()).isEqualTo(200);
    assertThat(gw.upstream().only(marker2).header("x-client-plan")).containsExactly("std-" + n);

    long credentialId = app.getJsonObject("apiKey").getJsonNumber("id").longValue();
    JsonObject revoked =
        ok(
            admin(
                "POST",
                "/admin/v1/apps/" + id(app) + "/credentials/" + credentialId + "/revoke",
                null));
    assertThat(revoked.getString("revokedAt")).isNotBlank();
    assertProblem(call(n, key), 401, "CLIENT_AUTH_INVALID");

    // Every write above is in the audit log, newest first.
    JsonArray events =
        ok(admin("GET", "/admin/v1/audit?entityType=subscription&entityId=" + id(sub), null))
            .getJsonArray("items");
    assertThat(events.getValuesAs(JsonObject.class).stream().map(e -> e.getString("operation")))
        .containsExactly(
            "subscription.migrate",
            "subscription.resume",
            "subscription.suspend",
            "subscription.approve",
            "subscription.create");
    JsonObject approveEvent = events.getJsonObject(3);
    assertThat(approveEvent.getJsonObject("before").getString("state")).isEqualTo("pending");
    assertThat(approveEvent.getJsonObject("after").getString("state")).isEqualTo("active");
    assertThat(approveEvent.getString("actor")).isEqualTo(Gateways.ADMIN_CLIENT_ID);
  }

  @Test
  void aNewKeyWorksAndAnAppSuspensionIsRefusedOnTheNextRequest() {
    String n = unique();
    long apiId = createApi(n, "/adm-" + n, "published");
    long productId =
        id(
            created(
                admin(
                    "POST",
                    "/admin/v1/products",
                    "{\"name\":\"p-" + n + "\",\"apis\":[" + apiId + "]}")));
    long plan = createPlan(productId, "free-" + n, false);
    JsonObject app = created(admin("POST", "/admin/v1/apps", "{\"name\":\"a-" + n + "\"}"));
    JsonObject sub =
        created(
            admin(
                "POST",
                "/admin/v1/subscriptions",
                "{\"appId\":" + id(app) + ",\"planId\":" + plan + "}"));
    assertThat(sub.getString("state")).isEqualTo("active");

    JsonObject second =
        created(
            admin(
                "POST",
                "/admin/v1/apps/" + id(app) + "/credentials",
                "{\"label\":\"ci\",\"expiresAt\":\"2999-01-01T00:00:00Z\"}"));
    String key2 = second.getString("key");
    assertThat(second.getString("prefix")).isEqualTo(key2.substring(0, 8));
    assertThat(call(n, key2).statusCode()).isEqualTo(200);

    ok(admin("POST", "/admin/v1/apps/" + id(app) + "/suspend", null));
    assertProblem(call(n, key2), 403, "CLIENT_AUTH_APP_SUSPENDED");
    assertProblem(
        admin("POST", "/admin/v1/apps/" + id(app) + "/suspend", null), 409, "APP_STATE_CONFLICT");
    ok(admin("POST", "/admin/v1/apps/" + id(app) + "/reactivate", null));
    assertThat(call(n, key2).statusCode()).isEqualTo(200);

    JsonArray credentials =
        Json.createReader(
                new StringReader(
                    admin("GET", "/admin/v1/apps/" + id(app) + "/credentials", null).body()))
            .readArray();
    assertThat(credentials).hasSize(2);
    assertThat(credentials.getJsonObject(1).getString("label")).isEqualTo("ci");
  }

  // --- routing: every admin method reaches the admin resources, not the gateway catch-all

  @Test
  void everyMethodReachesTheAdminResources() {
    String n = unique();
    long apiId = createApi(n, "/adm-" + n, "draft");
    JsonObject got = ok(admin("GET", "/admin/v1/apis/" + apiId, null));
    assertThat(got.getString("state")).isEqualTo("draft");
    assertThat(got.getJsonNumber("revision").longValue()).isEqualTo(1);

    JsonObject updated =
        ok(
            admin(
                "PUT",
                "/admin/v1/apis/" + apiId,
                apiJson(n + "-v2", "/adm-" + n, "draft", steps())));
    assertThat(updated.getString("name")).isEqualTo("api-" + n + "-v2");
    assertThat(updated.getJsonNumber("revision").longValue()).isEqualTo(2);
    assertThat(updated.getJsonArray("steps")).hasSize(4);

    assertThat(ok(admin("POST", "/admin/v1/apis/" + apiId + "/publish", null)).getString("state"))
        .isEqualTo("published");
    assertThat(ok(admin("POST", "/admin/v1/apis/" + apiId + "/retire", null)).getString("state"))
        .isEqualTo("retired");

    JsonObject page = ok(admin("GET", "/admin/v1/apis?name=" + n + "&size=10", null));
    assertThat(page.getJsonNumber("total").longValue()).isEqualTo(1);
    assertThat(page.getInt("size")).isEqualTo(10);
    assertThat(page.getInt("page")).isZero();

    HttpResponse<String> deleted = admin("DELETE", "/admin/v1/apis/" + apiId, null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertProblem(admin("GET", "/admin/v1/apis/" + apiId, null), 404, "API_NOT_FOUND");
    assertProblem(admin("DELETE", "/admin/v1/apis/" + apiId, null), 404, "API_NOT_FOUND");
    assertProblem(
        admin("PUT", "/admin/v1/apis/" + apiId, apiJson(n, "/adm-" + n, null, steps())),
        404,
        "API_NOT_FOUND");
    assertProblem(admin("GET", "/admin/v1/apis/not-a-number", null), 404, "NOT_FOUND");
    assertProblem(admin("PATCH", "/admin/v1/apis/" + apiId, "{}"), 405, "METHOD_NOT_ALLOWED");
  }

  // --- invalid bodies: 400 problem+json with every violation, never a 500

  @Test
  void malformedJsonIs400() {
    assertProblem(admin("POST", "/admin/v1/apis", "{\"name\": "), 400, "MALFORMED_BODY");
    assertProblem(admin("POST", "/admin/v1/apps", "[1,2]"), 400, "MALFORMED_BODY");
    assertProblem(admin("POST", "/admin/v1/products", ""), 400, "MALFORMED_BODY");
  }

  @Test
  void wrongTypesAre400() {
    String n = unique();
    assertProblem(
        admin(
            "POST",
            "/admin/v1/apis",
            "{\"name\":\"api-"
                + n
                + "\",\"basePath\":\"/w-"
                + n
                + "\",\"upstreamUrl\":\"http://x\",\"readTimeoutMs\":\"soon\"}"),
        400,
        "MALFORMED_BODY");
    assertProblem(
        admin("POST", "/admin/v1/subscriptions", "{\"appId\":\"one\",\"planId\":2}"),
        400,
        "MALFORMED_BODY");
    assertProblem(
        admin(
            "POST",
            "/admin/v1/apis",
            apiJson(n, "/w-" + n, null, "[{\"policy\":\"token\",\"config\":\"x\"}]")),
        400,
        "MALFORMED_BODY");
  }

  @Test
  void unknownFieldIs400() {
    HttpResponse<String> r =
        admin("POST", "/admin/v1/apps", "{\"name\":\"x-" + unique() + "\",\"colour\":\"red\"}");
    assertProblem(r, 400, "MALFORMED_BODY");
    assertThat(json(r).getString("detail")).contains("colour");
  }

  @Test
  void aNegativeRateLimitNamesTheField() {
    String n = unique();
    long productId =
        id(created(admin("POST", "/admin/v1/products", "{\"name\":\"rl-" + n + "\"}")));
    HttpResponse<String> r =
        admin(
            "POST",
            "/admin/v1/products/" + productId + "/plans",
            "{\"name\":\"Bad Name\",\"tokenTtlSeconds\":5,"
                + "\"rateLimit\":{\"limit\":-1,\"per\":\"fortnight\"},"
                + "\"quota\":{\"limit\":0,\"per\":\"day\",\"enforcement\":\"hard\"},"
                + "\"onLimiterError\":\"shrug\"}");
    assertProblem(r, 400, "VALIDATION_FAILED");
    assertThat(fields(r))
        .containsExactlyInAnyOrder(
            "name",
            "onLimiterError",
            "quota.limit",
            "rateLimit.limit",
            "rateLimit.per",
            "tokenTtlSeconds");
    assertThat(violation(r, "rateLimit.limit")).isEqualTo("must be at least 1 (was -1)");
  }

  @Test
  void policyStepsAreValidatedOnWriteWithEveryViolationListed() {
    String n = unique();
    HttpResponse<String> r =
        admin(
            "POST",
            "/admin/v1/apis",
            apiJson(
                n,
                "/trailing/",
                null,
                "[{\"policy\":\"client-auth\"},"
                    + "{\"policy\":\"no-such-policy\"},"
                    + "{\"policy\":\"access-list\",\"config\":{\"denyIps\":[\"10.0.0.0/8\",\"not-an-ip\"]}}]"));
    assertProblem(r, 400, "VALIDATION_FAILED");
    assertThat(fields(r)).contains("basePath", "steps[1].policy");
    assertThat(fields(r)).anyMatch(f -> f.startsWith("steps[2].config"));
    assertThat(violation(r, "steps[1].policy")).contains("unknown policy 'no-such-policy'");
  }

  @Test
  void requestRulesNameTheirFields() {
    HttpResponse<String> r =
        admin(
            "POST",
            "/admin/v1/apis",
            "{\"name\":\"\",\"basePath\":\"/a/../b\",\"upstreamUrl\":\"ftp://x\",\"state\":\"live\","
                + "\"steps\":[{\"policy\":\"\"}]}");
    assertProblem(r, 400, "VALIDATION_FAILED");
    assertThat(fields(r))
        .containsExactlyInAnyOrder("basePath", "name", "state", "steps[0].policy", "upstreamUrl");
    assertProblem(admin("GET", "/admin/v1/apis?size=501", null), 400, "VALIDATION_FAILED");
    assertProblem(
        admin("POST", "/admin/v1/apis", apiJson(unique(), "/admin/x", null, "[]")),
        400,
        "VALIDATION_FAILED");
  }

  // --- 404 and 409

  @Test
  void conflictsAre409WithTheirKeys() {
    String n = unique();
    createApi(n, "/c-" + n, "draft");
    assertProblem(
        admin("POST", "/admin/v1/apis", apiJson(n + "-other", "/c-" + n, null, "[]")),
        409,
        "API_BASE_PATH_TAKEN");
    assertProblem(
        admin("POST", "/admin/v1/apis", apiJson(n, "/c2-" + n, null, "[]")), 409, "API_NAME_TAKEN");

    long productId = id(created(admin("POST", "/admin/v1/products", "{\"name\":\"c-" + n + "\"}")));
    assertProblem(
        admin("POST", "/admin/v1/products", "{\"name\":\"c-" + n + "\"}"),
        409,
        "PRODUCT_NAME_TAKEN");
    long plan = createPlan(productId, "a-" + n, false);
    long other = createPlan(productId, "b-" + n, false);
    assertProblem(
        admin("POST", "/admin/v1/products/" + productId + "/plans", "{\"name\":\"a-" + n + "\"}"),
        409,
        "PLAN_NAME_TAKEN");
    long foreignProduct =
        id(created(admin("POST", "/admin/v1/products", "{\"name\":\"f-" + n + "\"}")));
    long foreignPlan = createPlan(foreignProduct, "f-" + n, false);

    JsonObject app = created(admin("POST", "/admin/v1/apps", "{\"name\":\"c-" + n + "\"}"));
    assertProblem(
        admin("POST", "/admin/v1/apps", "{\"name\":\"c-" + n + "\"}"), 409, "APP_NAME_TAKEN");
    long sub =
        id(
            created(
                admin(
                    "POST",
                    "/admin/v1/subscriptions",
                    "{\"appId\":" + id(app) + ",\"planId\":" + plan + "}")));
    assertProblem(
        admin(
            "POST",
            "/admin/v1/subscriptions",
            "{\"appId\":" + id(app) + ",\"planId\":" + other + "}"),
        409,
        "SUBSCRIPTION_EXISTS");
    assertProblem(
        admin("POST", "/admin/v1/subscriptions/" + sub + "/approve", null),
        409,
        "SUBSCRIPTION_STATE_CONFLICT");
    assertProblem(
        admin(
            "POST",
            "/admin/v1/subscriptions/" + sub + "/migrate",
            "{\"planId\":" + foreignPlan + "}"),
        400,
        "VALIDATION_FAILED");
    assertProblem(
        admin("DELETE", "/admin/v1/products/" + productId + "/plans/" + plan, null),
        409,
        "PLAN_IN_USE");
    assertProblem(admin("DELETE", "/admin/v1/products/" + productId, null), 409, "PRODUCT_IN_USE");

    ok(admin("POST", "/admin/v1/subscriptions/" + sub + "/cancel", null));
    assertProblem(
        admin("POST", "/admin/v1/subscriptions/" + sub + "/resume", null),
        409,
        "SUBSCRIPTION_STATE_CONFLICT");
    // Cancelled subscriptions do not count: the app may subscribe again.
    created(
        admin(
            "POST",
            "/admin/v1/subscriptions",
            "{\"appId\":" + id(app) + ",\"planId\":" + other + "}"));
    JsonObject listed =
        ok(admin("GET", "/admin/v1/subscriptions?appId=" + id(app) + "&state=cancelled", null));
    assertThat(listed.getJsonNumber("total").longValue()).isEqualTo(1);
  }

  @Test
  void unknownIdsAre404WithTheirKeys() {
    assertProblem(admin("GET", "/admin/v1/apis/999999999", null), 404, "API_NOT_FOUND");
    assertProblem(admin("GET", "/admin/v1/products/999999999", null), 404, "PRODUCT_NOT_FOUND");
    assertProblem(
        admin("GET", "/admin/v1/products/999999999/plans", null), 404, "PRODUCT_NOT_FOUND");
    assertProblem(admin("GET", "/admin/v1/apps/999999999", null), 404, "APP_NOT_FOUND");
    assertProblem(
        admin("POST", "/admin/v1/apps/999999999/credentials/1/revoke", null), 404, "APP_NOT_FOUND");
    assertProblem(
        admin("GET", "/admin/v1/subscriptions/999999999", null), 404, "SUBSCRIPTION_NOT_FOUND");
    assertProblem(
        admin("POST", "/admin/v1/subscriptions/999999999/suspend", null),
        404,
        "SUBSCRIPTION_NOT_FOUND");
    assertProblem(
        admin("POST", "/admin/v1/subscriptions", "{\"appId\":999999999,\"planId\":1}"),
        404,
        "APP_NOT_FOUND");
  }

  // --- secrets appear once

  @Test
  void secretsAppearOnlyInTheCreateResponse() {
    String n = unique();
    HttpResponse<String> createdResponse =
        admin("POST", "/admin/v1/apps", "{\"name\":\"canary-" + n + "\",\"owner\":\"team\"}");
    JsonObject app = created(createdResponse);
    assertThat(createdResponse.headers().firstValue("Cache-Control")).hasValue("no-store");
    String secret = app.getString("clientSecret");
    String key = app.getJsonObject("apiKey").getString("key");
    String key2 =
        created(admin("POST", "/admin/v1/apps/" + id(app) + "/credentials", "{}")).getString("key");
    // Use them, so the data plane has seen them too.
    Http.get(gw.server().uri("/orders/1"), "X-API-Key", key);
    Http.get(
        gw.server().uri("/orders/1"),
        "X-Client-Id",
        app.getString("clientId"),
        "X-Client-Secret",
        secret);
    ok(admin("POST", "/admin/v1/apps/" + id(app) + "/suspend", null));

    List<String> bodies = new ArrayList<>();
    for (String path :
        List.of(
            "/admin/v1/apps",
            "/admin/v1/apps?size=500",
            "/admin/v1/apps/" + id(app),
            "/admin/v1/apps/" + id(app) + "/credentials",
            "/admin/v1/apis?size=500",
            "/admin/v1/products?size=500",
            "/admin/v1/subscriptions?size=500",
            "/admin/v1/audit?size=500",
            "/admin/v1/audit?entityType=app&entityId=" + id(app),
            "/admin/v1/audit?entityType=credential")) {
      HttpResponse<String> r = admin("GET", path, null);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      bodies.add(r.body());
    }
    assertThat(String.join("\n", bodies)).contains("canary-" + n).contains(key.substring(0, 8));
    for (String s : List.of(secret, key, key2, key2.substring(8))) {
      assertThat(bodies).allSatisfy(b -> assertThat(b).doesNotContain(s));
      assertThat(gw.server().messages()).doesNotContain(s);
    }
  }

  // --- helpers

  private long createApi(String n, String basePath, String state) {
    return id(created(admin("POST", "/admin/v1/apis", apiJson(n, basePath, state, steps()))));
  }

  private String steps() {
    return "[{\"policy\":\"client-auth\"},{\"policy\":\"subscription\"},"
        + "{\"policy\":\"token\"},{\"policy\":\"headers\"}]";
  }

  private String apiJson(String n, String basePath, String state, String steps) {
    return "{\"name\":\"api-"
        + n
        + "\",\"version\":\"v1\",\"basePath\":\""
        + basePath
        + "\",\"upstreamUrl\":\""
        + gw.upstream().baseUrl()
        + "/adm/"
        + n
        + "\""
        + (state == null ? "" : ",\"state\":\"" + state + "\"")
        + ",\"steps\":"
        + steps
        + "}";
  }

  private long createPlan(long productId, String name, boolean approval) {
    return id(
        created(
            admin(
                "POST",
                "/admin/v1/products/" + productId + "/plans",
                "{\"name\":\""
                    + name
                    + "\",\"title\":\"T\",\"approvalRequired\":"
                    + approval
                    + ",\"scopes\":[\"a:read\"],\"tokenTtlSeconds\":120,"
                    + "\"rateLimit\":{\"limit\":100,\"per\":\"second\"},"
                    + "\"burst\":{\"limit\":10,\"windowMs\":1000},"
                    + "\"quota\":{\"limit\":100000,\"per\":\"month\",\"enforcement\":\"soft\"},"
                    + "\"onLimiterError\":\"fail-open\"}")));
  }

  private HttpResponse<String> call(String n, String key) {
    return call(n, key, unique());
  }

  private HttpResponse<String> call(String n, String key, String marker) {
    return Http.get(gw.server().uri("/adm-" + n + "/" + marker), "X-API-Key", key);
  }

  /** One admin request, on the admin port, with the admin token. */
  private HttpResponse<String> admin(String method, String path, String json) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(AdminClient.uri(path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    b.header("Accept", "application/json, application/problem+json");
    b.header("Authorization", "Bearer " + AdminClient.token());
    return Http.send(b);
  }

  private static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject json(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private static JsonObject created(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(r.headers().firstValue("Location")).isPresent();
    return json(r);
  }

  private static JsonObject ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  private static long id(JsonObject o) {
    return o.getJsonNumber("id").longValue();
  }

  private static void assertProblem(HttpResponse<String> r, int status, String errorKey) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonObject p = json(r);
    assertThat(p.getString("errorKey")).as(r.body()).isEqualTo(errorKey);
    assertThat(p.getInt("status")).isEqualTo(status);
    assertThat(p.getString("type")).startsWith("urn:meshgate:problem:");
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
    if (errorKey.equals("VALIDATION_FAILED")) {
      assertThat(p.getJsonArray("violations")).isNotEmpty();
    }
  }

  private static List<String> fields(HttpResponse<String> r) {
    return json(r).getJsonArray("violations").getValuesAs(JsonObject.class).stream()
        .map(v -> v.getString("field"))
        .toList();
  }

  private static String violation(HttpResponse<String> r, String field) {
    return json(r).getJsonArray("violations").getValuesAs(JsonObject.class).stream()
        .filter(v -> v.getString("field").equals(field))
        .map(v -> v.getString("message"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no violation for " + field + ": " + r.body()));
  }
}
