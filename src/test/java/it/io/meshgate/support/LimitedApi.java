package it.io.meshgate.support;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An API with a {@code rate-limit} step, made through the admin API: a product with the plans given
 * (as admin JSON), and apps subscribed to them, each with its own API key.
 */
public final class LimitedApi {
  public final String name;
  public final String basePath;
  public final long apiId;
  public final long productId;
  private final Map<String, Long> plans = new LinkedHashMap<>();

  /** {@code plans}: plan name → the rest of the plan's JSON ({@code "rateLimit":{…}}). */
  public LimitedApi(String rateLimitConfig, Map<String, String> plans) {
    String n = UUID.randomUUID().toString().substring(0, 8);
    name = "rl-" + n;
    basePath = "/" + name;
    apiId =
        id(
            admin(
                "POST",
                "/admin/v1/apis",
                "{\"name\":\""
                    + name
                    + "\",\"version\":\"v1\",\"basePath\":\""
                    + basePath
                    + "\",\"upstreamUrl\":\""
                    + Gateways.get().upstream().baseUrl()
                    + basePath
                    + "\",\"state\":\"published\",\"steps\":["
                    + "{\"policy\":\"client-auth\",\"config\":{\"methods\":[\"api-key\"]}},"
                    + "{\"policy\":\"subscription\"},"
                    + "{\"policy\":\"rate-limit\",\"config\":"
                    + rateLimitConfig
                    + "},{\"policy\":\"token\"},{\"policy\":\"headers\"}]}"));
    productId =
        id(
            admin(
                "POST",
                "/admin/v1/products",
                "{\"name\":\"" + name + "\",\"title\":\"RL\",\"apis\":[" + apiId + "]}"));
    plans.forEach(
        (plan, json) ->
            this.plans.put(
                plan,
                id(
                    admin(
                        "POST",
                        "/admin/v1/products/" + productId + "/plans",
                        "{\"name\":\"" + plan + "\"" + (json.isBlank() ? "" : "," + json) + "}"))));
  }

  public long planId(String plan) {
    return plans.get(plan);
  }

  /** A new app with a key and an active subscription to {@code plan}. */
  public App subscribe(String plan) {
    JsonObject app =
        admin(
            "POST",
            "/admin/v1/apps",
            "{\"name\":\"" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
    long subscription =
        id(
            admin(
                "POST",
                "/admin/v1/subscriptions",
                "{\"appId\":" + id(app) + ",\"planId\":" + planId(plan) + "}"));
    return new App(id(app), app.getJsonObject("apiKey").getString("key"), subscription);
  }

  /** An app's key and its subscription. */
  public record App(long id, String key, long subscriptionId) {}

  public static JsonObject admin(String method, String path, String json) {
    HttpResponse<String> r = AdminClient.send(method, path, json);
    assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isBetween(200, 299);
    return r.body().isBlank() ? null : Json.createReader(new StringReader(r.body())).readObject();
  }

  public static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  private static long id(JsonObject o) {
    return o.getJsonNumber("id").longValue();
  }

  /**
   * Sends {@code n} GETs at once (each on its own connection, released together) and returns the
   * responses in no particular order.
   */
  public static List<HttpResponse<String>> burst(URI uri, String key, int n) {
    return timedBurst(uri, key, n).responses();
  }

  /** A burst's answers and the time from its start to its last answer. */
  public record Burst(List<HttpResponse<String>> responses, long millis) {}

  /** Like {@link #burst}, and says how long the burst took from its start to its last answer. */
  public static Burst timedBurst(URI uri, String key, int n) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  HttpRequest request =
                      HttpRequest.newBuilder(uri)
                          .header("X-API-Key", key)
                          .timeout(Duration.ofSeconds(30))
                          .GET()
                          .build();
                  ready.countDown();
                  go.await();
                  return client.send(request, HttpResponse.BodyHandlers.ofString());
                }));
      }
      ready.await();
      long start = System.nanoTime();
      go.countDown();
      List<HttpResponse<String>> out = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        out.add(f.get());
      }
      return new Burst(out, (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      throw new IllegalStateException("burst failed", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
