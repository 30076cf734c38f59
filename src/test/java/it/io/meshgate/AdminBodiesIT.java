package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every admin endpoint that takes a body, through the real server, against every way a body can be
 * wrong: each answer is the documented 400 {@code MALFORMED_BODY} or 415 {@code
 * UNSUPPORTED_MEDIA_TYPE} as problem+json, and none of them writes anything (the audit log, which
 * records every write, does not grow). The list of endpoints is the one {@code AdminBodyReaderTest}
 * pins by scanning the resources.
 */
class AdminBodiesIT extends OnManagedGateway {
  private static final Gateways GW = Gateways.get();
  private static final String ANY = "application/json";

  /** One body-taking endpoint and a body whose only fault is one field of the wrong JSON type. */
  private record Endpoint(String method, String path, String wrongType, String field) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static List<Endpoint> endpoints;

  @BeforeAll
  static void catalog() {
    String n = UUID.randomUUID().toString().substring(0, 8);
    long api =
        id(
            created(
                "/admin/v1/apis",
                "{\"name\":\"bodies-"
                    + n
                    + "\",\"basePath\":\"/bodies-"
                    + n
                    + "\",\"upstreamUrl\":\"http://127.0.0.1:9/x\"}"));
    long product = id(created("/admin/v1/products", "{\"name\":\"bodies-" + n + "\"}"));
    long plan =
        id(created("/admin/v1/products/" + product + "/plans", "{\"name\":\"b-" + n + "\"}"));
    long app = id(created("/admin/v1/apps", "{\"name\":\"bodies-" + n + "\"}"));
    long sub =
        id(created("/admin/v1/subscriptions", "{\"appId\":" + app + ",\"planId\":" + plan + "}"));
    endpoints =
        List.of(
            new Endpoint(
                "POST",
                "/admin/v1/apis",
                "{\"name\":\"x-"
                    + n
                    + "\",\"basePath\":\"/x-"
                    + n
                    + "\",\"upstreamUrl\":\"http://x\","
                    + "\"readTimeoutMs\":\"5000\"}",
                "readTimeoutMs"),
            new Endpoint(
                "PUT",
                "/admin/v1/apis/" + api,
                "{\"name\":\"bodies-"
                    + n
                    + "\",\"basePath\":\"/bodies-"
                    + n
                    + "\","
                    + "\"upstreamUrl\":\"http://127.0.0.1:9/x\",\"state\":true}",
                "state"),
            new Endpoint(
                "POST",
                "/admin/v1/products",
                "{\"name\":\"y-" + n + "\",\"apis\":\"" + api + "\"}",
                "apis"),
            new Endpoint("PUT", "/admin/v1/products/" + product, "{\"name\":7}", "name"),
            new Endpoint(
                "POST",
                "/admin/v1/products/" + product + "/plans",
                "{\"name\":\"z-" + n + "\",\"approvalRequired\":\"yes\"}",
                "approvalRequired"),
            new Endpoint(
                "PUT",
                "/admin/v1/products/" + product + "/plans/" + plan,
                "{\"name\":\"b-" + n + "\",\"rateLimit\":{\"limit\":\"10\",\"per\":\"second\"}}",
                "rateLimit.limit"),
            new Endpoint("POST", "/admin/v1/apps", "{\"name\":{\"first\":\"x\"}}", "name"),
            new Endpoint(
                "POST",
                "/admin/v1/apps/" + app + "/credentials",
                "{\"expiresAt\":4102444800}",
                "expiresAt"),
            new Endpoint("POST", "/admin/v1/keys", "{\"publish\":\"yes\"}", "publish"),
            new Endpoint("POST", "/admin/v1/keys/rotation", "{\"kid\":[\"k\"]}", "kid"),
            new Endpoint(
                "POST",
                "/admin/v1/subscriptions",
                "{\"appId\":\"" + app + "\",\"planId\":" + plan + "}",
                "appId"),
            new Endpoint(
                "POST",
                "/admin/v1/subscriptions/" + sub + "/migrate",
                "{\"planId\":1.5}",
                "planId"));
  }

  @Test
  void theIssuesReproducersAreRefused() {
    long before = auditTotal();
    problem(
        send("POST", "/admin/v1/keys", ANY, utf8("{\"publish\":\"yes\"}")), 400, "MALFORMED_BODY");
    problem(send("POST", "/admin/v1/keys", ANY, utf8("null")), 400, "MALFORMED_BODY");
    problem(
        send("POST", "/admin/v1/keys", "application/json; charset=ebcdic", utf8("{}")),
        415,
        "UNSUPPORTED_MEDIA_TYPE");
    assertThat(auditTotal()).as("nothing written").isEqualTo(before);
  }

  @Test
  void everyBodyTakingEndpointRefusesEveryBadBodyAndWritesNothing() {
    long before = auditTotal();
    List<String> wrong = new ArrayList<>();
    int sent = 0;
    for (Endpoint e : endpoints) {
      List<Object[]> cases =
          List.of(
              new Object[] {null, null, 400, "MALFORMED_BODY"},
              new Object[] {null, utf8("{}"), 415, "UNSUPPORTED_MEDIA_TYPE"},
              new Object[] {ANY, utf8(""), 400, "MALFORMED_BODY"},
              new Object[] {ANY, utf8("null"), 400, "MALFORMED_BODY"},
              new Object[] {ANY, utf8("[]"), 400, "MALFORMED_BODY"},
              new Object[] {ANY, utf8("\"{}\""), 400, "MALFORMED_BODY"},
              new Object[] {ANY, utf8("{"), 400, "MALFORMED_BODY"},
              new Object[] {ANY, utf8("{} {}"), 400, "MALFORMED_BODY"},
              new Object[] {ANY, utf8("{\"zz\":1,\"zz\":2}"), 400, "MALFORMED_BODY"},
              new Object[] {ANY, utf8("{\"noSuchField\":1}"), 400, "MALFORMED_BODY"},
              new Object[] {ANY, utf8(e.wrongType()), 400, "MALFORMED_BODY"},
              new Object[] {
                ANY,
                "{\"x\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1),
                400,
                "MALFORMED_BODY"
              },
              new Object[] {
                "application/json; charset=ebcdic", utf8("{}"), 415, "UNSUPPORTED_MEDIA_TYPE"
              },
              new Object[] {
                "application/json; charset=ISO-8859-1", utf8("{}"), 415, "UNSUPPORTED_MEDIA_TYPE"
              },
              new Object[] {
                "application/json; charset=utf-16", utf16("{}"), 415, "UNSUPPORTED_MEDIA_TYPE"
              },
              new Object[] {"text/plain", utf8("{}"), 415, "UNSUPPORTED_MEDIA_TYPE"},
              new Object[] {
                "application/x-www-form-urlencoded", utf8("a=b"), 415, "UNSUPPORTED_MEDIA_TYPE"
              });
      for (Object[] c : cases) {
        sent++;
        HttpResponse<String> r = send(e.method(), e.path(), (String) c[0], (byte[]) c[1]);
        String outcome = outcome(r);
        String expected = c[2] + " " + c[3];
        if (!outcome.equals(expected)) {
          wrong.add(
              e
                  + " ["
                  + c[0]
                  + "] "
                  + (c[1] == null ? "no body" : new String((byte[]) c[1], StandardCharsets.UTF_8))
                  + ": "
                  + outcome
                  + " "
                  + r.body());
        }
      }
      HttpResponse<String> typed = send(e.method(), e.path(), ANY, utf8(e.wrongType()));
      List<String> fields =
          json(typed).getJsonArray("violations").getValuesAs(JsonObject.class).stream()
              .map(v -> v.getString("field"))
              .toList();
      if (!fields.equals(List.of(e.field()))) {
        wrong.add(e + ": the wrong type of " + e.field() + " is reported as " + typed.body());
      }
    }
    System.out.println(
        "AdminBodiesIT: " + sent + " bad bodies sent to " + endpoints.size() + " endpoints");
    assertThat(wrong).isEmpty();
    assertThat(auditTotal()).as("nothing written").isEqualTo(before);
  }

  @Test
  void utf8JsonInEveryCharsetSpellingIsAccepted() {
    String n = UUID.randomUUID().toString().substring(0, 8);
    for (String type :
        List.of("application/json;charset=UTF-8", "Application/JSON; Charset=\"utf-8\"")) {
      HttpResponse<String> r =
          send(
              "POST",
              "/admin/v1/apps",
              type,
              utf8("{\"name\":\"b-" + n + type.length() + "\",\"owner\":\"\u00e9quipe\"}"));
      assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(201);
      assertThat(json(r).getString("owner")).isEqualTo("\u00e9quipe");
    }
  }

  // --- helpers

  private static HttpResponse<String> send(String method, String path, String type, byte[] body) {
    return AdminClient.send(GW.server(), AdminClient.token(), method, path, type, body);
  }

  private static String outcome(HttpResponse<String> r) {
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/problem+json")) {
      return r.statusCode() + " (not problem+json: " + type + ")";
    }
    JsonObject p = json(r);
    return p.getInt("status") + " " + p.getString("errorKey");
  }

  private static void problem(HttpResponse<String> r, int status, String key) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(outcome(r)).isEqualTo(status + " " + key);
  }

  private static long auditTotal() {
    return json(AdminClient.send("GET", "/admin/v1/audit?size=1", null))
        .getJsonNumber("total")
        .longValue();
  }

  private static JsonObject created(String path, String body) {
    HttpResponse<String> r = AdminClient.send("POST", path, body);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(201);
    return json(r);
  }

  private static long id(JsonObject o) {
    return o.getJsonNumber("id").longValue();
  }

  private static JsonObject json(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] utf16(String s) {
    return s.getBytes(StandardCharsets.UTF_16);
  }
}
