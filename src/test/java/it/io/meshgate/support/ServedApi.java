package it.io.meshgate.support;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * An API created through the shared gateway's admin API (client-auth, subscription, token, headers;
 * no rate limit) in front of the stub upstream at {@code /<prefix>}, in a product with one plan,
 * and an app with an API key and an active subscription to it.
 */
public record ServedApi(
    String basePath,
    long apiId,
    long productId,
    long planId,
    long appId,
    long credentialId,
    long subscriptionId,
    String key) {

  /** Creates it; {@code published} false leaves the API a draft (not served). */
  public static ServedApi create(Gateways gw, String prefix, boolean published) {
    return create(prefix, published, gw.upstream().baseUrl() + "/" + prefix);
  }

  /** Creates a published one in front of {@code upstreamUrl}. */
  public static ServedApi create(String prefix, String upstreamUrl) {
    return create(prefix, true, upstreamUrl);
  }

  /**
   * Creates a published one in front of {@code upstreamUrl} whose client-auth step accepts these
   * methods (for example {@code "certificate"}).
   */
  public static ServedApi create(String prefix, String upstreamUrl, String... methods) {
    String config =
        "{\"methods\":["
            + String.join(",", java.util.Arrays.stream(methods).map(m -> "\"" + m + "\"").toList())
            + "]}";
    return create(prefix, true, upstreamUrl, config);
  }

  /** Creates a published one whose client-auth step has this config (JSON). */
  public static ServedApi createWithClientAuth(
      String prefix, String upstreamUrl, String clientAuthConfig) {
    return create(prefix, true, upstreamUrl, clientAuthConfig);
  }

  private static ServedApi create(String prefix, boolean published, String upstreamUrl) {
    return create(prefix, published, upstreamUrl, "{}");
  }

  private static ServedApi create(
      String prefix, boolean published, String upstreamUrl, String clientAuthConfig) {
    String n = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    String basePath = "/" + n;
    long apiId =
        id(
            admin(
                "/admin/v1/apis",
                "{\"name\":\""
                    + n
                    + "\",\"version\":\"v1\",\"basePath\":\""
                    + basePath
                    + "\",\"upstreamUrl\":\""
                    + upstreamUrl
                    + "\",\"state\":\""
                    + (published ? "published" : "draft")
                    + "\",\"steps\":[{\"policy\":\"client-auth\",\"config\":"
                    + clientAuthConfig
                    + "},{\"policy\":\"subscription\"},"
                    + "{\"policy\":\"token\"},{\"policy\":\"headers\"}]}"));
    long productId =
        id(
            admin(
                "/admin/v1/products",
                "{\"name\":\"" + n + "\",\"title\":\"P\",\"apis\":[" + apiId + "]}"));
    long planId =
        id(
            admin(
                "/admin/v1/products/" + productId + "/plans",
                "{\"name\":\"plan-" + n + "\",\"title\":\"P\"}"));
    JsonObject app = admin("/admin/v1/apps", "{\"name\":\"" + n + "\"}");
    long appId = id(app);
    long subscriptionId =
        id(admin("/admin/v1/subscriptions", "{\"appId\":" + appId + ",\"planId\":" + planId + "}"));
    return new ServedApi(
        basePath,
        apiId,
        productId,
        planId,
        appId,
        app.getJsonObject("apiKey").getJsonNumber("id").longValue(),
        subscriptionId,
        app.getJsonObject("apiKey").getString("key"));
  }

  private static JsonObject admin(String path, String json) {
    HttpResponse<String> r = AdminClient.send("POST", path, json);
    assertThat(r.statusCode()).as("POST " + path + " " + r.body()).isBetween(200, 299);
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private static long id(JsonObject o) {
    return o.getJsonNumber("id").longValue();
  }
}
