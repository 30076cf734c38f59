package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.browser.Browser;
import it.io.meshgate.browser.PortalSteps;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The admin console and the developer portal in a real headless Chromium against the suite's
 * server: a developer's way from sign-in to a working key, who may see and change what, and every
 * page's accessibility and Content-Security-Policy. Screenshots go to {@code target/screenshots/}.
 */
class BrowserIT extends OnManagedGateway {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  @ArquillianResource private URL base;

  /** The data port as the browser reaches it: localhost, where a Secure cookie works over HTTP. */
  private String portalBase() {
    return "http://localhost:" + base.getPort();
  }

  @Test
  void aDeveloperSeesAndChangesOnlyTheirOwnApps() throws Exception {
    PortalApi alice = PortalApi.signIn(base, "alice-" + RUN);
    PortalApi mallory = PortalApi.signIn(base, "mallory-" + RUN);
    JsonObject created = alice.send("POST", "/apps", "{\"name\":\"alice-app-" + RUN + "\"}");
    assertThat(alice.status).isEqualTo(201);
    long appId = created.getJsonNumber("id").longValue();
    long keyId = created.getJsonObject("apiKey").getJsonNumber("id").longValue();
    // The admin sees who owns it.
    JsonObject adminView = json(AdminClient.send("GET", "/admin/v1/apps/" + appId, null).body());
    assertThat(adminView.getString("owner")).isEqualTo("demo:alice-" + RUN);

    // Through the API: another developer's app is 404, as if it did not exist.
    assertThat(mallory.send("GET", "/apps", null).toString()).doesNotContain("alice-app-" + RUN);
    for (String[] call :
        List.of(
            new String[] {"GET", "/apps/" + appId, null},
            new String[] {"GET", "/apps/" + appId + "/usage", null},
            new String[] {"POST", "/apps/" + appId + "/keys", "{}"},
            new String[] {"POST", "/apps/" + appId + "/keys/" + keyId + "/revoke", null},
            new String[] {"POST", "/apps/" + appId + "/subscriptions", "{\"planId\":1}"},
            new String[] {"DELETE", "/apps/" + appId, null})) {
      JsonObject problem = mallory.send(call[0], call[1], call[2]);
      assertThat(mallory.status).as(call[0] + " " + call[1]).isEqualTo(404);
      assertThat(problem.getString("errorKey")).isEqualTo("APP_NOT_FOUND");
    }
    // A change without the session's CSRF token, or from another site, is refused.
    assertThat(alice.sendWithout("POST", "/apps/" + appId + "/keys", "{}", null)).isEqualTo(403);
    assertThat(alice.sendWithout("DELETE", "/apps/" + appId, null, "https://evil.example"))
        .isEqualTo(403);
    // No session at all: 401.
    assertThat(Http.get(URI.create(base + "portal/api/apps")).statusCode()).isEqualTo(401);
    // Alice's app is untouched: still there, its key not revoked.
    JsonObject still = alice.send("GET", "/apps/" + appId, null);
    assertThat(alice.status).isEqualTo(200);
    assertThat(still.getJsonArray("credentials").getJsonObject(0).containsKey("revokedAt"))
        .isFalse();

    // Through the pages: mallory's portal lists no app of alice's and cannot open it.
    try (Browser browser = Browser.start()) {
      PortalSteps portal = new PortalSteps(browser, portalBase());
      portal.signIn("mallory-" + RUN);
      assertThat(portal.appNames()).doesNotContain("alice-app-" + RUN);
      browser.open(portalBase() + "/portal/#/apps/" + appId);
      browser.until(d -> !portal.alert().isEmpty());
      assertThat(portal.alert()).contains("No app with id " + appId);
    }
  }

  @Test
  void aDeveloperRegistersAnAppSubscribesAndSeesTheCallInTheirUsage() throws Exception {
    String developer = "dev-" + RUN;
    String app = "dev-app-" + RUN;
    try (Browser browser = Browser.start()) {
      PortalSteps portal = new PortalSteps(browser, portalBase());
      portal.signIn(developer);
      PortalSteps.NewApp created = portal.registerApp(app);
      assertThat(created.apiKey()).hasSizeGreaterThan(20);
      assertThat(created.clientSecret()).hasSizeGreaterThan(20);
      // The demo catalog's free plan: immediate, with a daily quota.
      portal.subscribe(app, "free");
      assertThat(portal.subscriptionState("free")).isEqualTo("active");
      HttpResponse<String> call =
          Http.get(URI.create(base + "echo/hello"), "X-API-Key", created.apiKey());
      assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
      browser.driver.navigate().refresh();
      assertThat(portal.used("quota")).isEqualTo("1");
      // The secret was shown once: the app page shows neither it nor the key.
      String page = browser.driver.getPageSource();
      assertThat(page).doesNotContain(created.apiKey()).doesNotContain(created.clientSecret());
      Object stored =
          ((JavascriptExecutor) browser.driver)
              .executeScript(
                  "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"
                      + " + document.cookie;");
      assertThat(String.valueOf(stored))
          .doesNotContain(created.apiKey())
          .doesNotContain(created.clientSecret())
          .doesNotContain("meshgate-portal"); // HttpOnly: not readable by scripts
    }
  }

  @Test
  void portalPagesAreAccessibleAndRaiseNoContentSecurityPolicyViolation() throws Exception {
    try (Browser browser = Browser.start()) {
      PortalSteps portal = new PortalSteps(browser, portalBase());
      portal.open("#/catalog");
      browser.assertAccessible("the portal, signed out");
      browser.screenshots("portal-signed-out");
      portal.signIn("a11y-" + RUN);
      portal.registerApp("a11y-app-" + RUN);
      portal.subscribe("a11y-app-" + RUN, "free");
      for (String route : List.of("#/catalog", "#/apps")) {
        portal.open(route);
        browser.assertAccessible("the portal at " + route);
        assertThat(browser.overflowsAtPhoneWidth()).as(route + " at phone width").isFalse();
        browser.screenshots("portal-" + route.substring(2));
      }
      String appRoute = browser.driver.getCurrentUrl();
      browser.open(appRoute);
      browser.assertAccessible("an app's page in the portal");
      browser.screenshots("portal-app");

      // The CSP reporting works (a blocked image is reported) and nothing else was reported.
      String probe = "csp-probe-" + RUN;
      ((JavascriptExecutor) browser.driver)
          .executeScript(
              "const i = document.createElement('img'); i.alt = '';"
                  + " i.src = 'http://"
                  + probe
                  + ".invalid/x.png'; document.body.append(i);");
      assertThat(ManagedGateway.server().awaitLogLines("messages.log", probe)).isNotEmpty();
    }
    assertThat(
            ManagedGateway.server()
                .messages()
                .lines()
                .filter(l -> l.contains("MESHGATE-CSP") && !l.contains("csp-probe-")))
        .as("Content-Security-Policy violations reported by the pages")
        .isEmpty();
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  /**
   * The portal API as a signed-in developer's browser calls it: the session cookie (sent by hand:
   * the JDK's cookie store keeps a {@code Secure} cookie off plain HTTP, a browser does not on
   * localhost) and the CSRF token.
   */
  static final class PortalApi {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    final URL base;
    final String cookie;
    final String csrf;
    int status;

    private PortalApi(URL base, String cookie, String csrf) {
      this.base = base;
      this.cookie = cookie;
      this.csrf = csrf;
    }

    static PortalApi signIn(URL base, String developer) throws Exception {
      HttpResponse<String> r =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(base + "portal/api/session/demo"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString("{\"developer\":\"" + developer + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
      String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Secure");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      HttpResponse<String> session =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(base + "portal/api/session"))
                  .header("Cookie", cookie)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new PortalApi(base, cookie, json(session.body()).getString("csrf"));
    }

    JsonObject send(String method, String path, String body) throws Exception {
      HttpResponse<String> r =
          CLIENT.send(
              request(method, path, body, csrf, null), HttpResponse.BodyHandlers.ofString());
      status = r.statusCode();
      return r.body().startsWith("{") ? json(r.body()) : json("{\"items\":" + r.body() + "}");
    }

    int sendWithout(String method, String path, String body, String origin) throws Exception {
      return CLIENT
          .send(
              request(method, path, body, origin == null ? null : csrf, origin),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    }

    private HttpRequest request(
        String method, String path, String body, String token, String origin) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + "portal/api" + path))
              .header("Cookie", cookie)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      if (token != null) {
        b.header("X-CSRF-Token", token);
      }
      if (origin != null) {
        b.header("Origin", origin);
      }
      return b.build();
    }
  }
}
