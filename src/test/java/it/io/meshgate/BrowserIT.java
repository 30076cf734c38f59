package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import it.io.meshgate.browser.Browser;
import it.io.meshgate.browser.ConsoleSteps;
import it.io.meshgate.browser.PortalSteps;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Gateways;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import it.io.meshgate.support.StubOidcProvider;
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
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;

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

  /** The admin port as the browser reaches it. */
  private static String consoleBase() {
    return "http://localhost:" + ManagedGateway.server().adminPort();
  }

  /**
   * The whole story in one browser: an administrator creates an API, a product and a plan
   * that needs approval in the console; a developer registers an app in the portal and subscribes
   * (pending); the administrator approves in the console; the developer's key then gets 200 through
   * the gateway and the developer sees the call in their usage.
   */
  @Test
  void anAdministratorAndADeveloperGoFromNothingToAWorkingKeyInTheBrowser() throws Exception {
    String api = "shop-" + RUN;
    String app = "shop-app-" + RUN;
    try (Browser browser = Browser.start()) {
      ConsoleSteps console = new ConsoleSteps(browser.driver, consoleBase());
      console.signIn(Gateways.ADMIN_CLIENT_ID, Gateways.ADMIN_CLIENT_SECRET);
      long apiId =
          console.createPublishedApi(api, "/" + api, ManagedGateway.upstream().baseUrl() + "/shop");
      String plan = "gold-" + RUN; // plan names are unique per product only
      console.createProductWithPlan("shop-" + RUN, "Shop", apiId, plan, true, 1000L);

      PortalSteps portal = new PortalSteps(browser, portalBase());
      portal.signIn("shopper-" + RUN);
      PortalSteps.NewApp created = portal.registerApp(app);
      portal.subscribe(app, plan);
      assertThat(portal.subscriptionState(plan)).isEqualTo("pending");
      HttpResponse<String> pending =
          Http.get(URI.create(base + api + "/items"), "X-API-Key", created.apiKey());
      assertThat(pending.statusCode()).as(pending.body()).isEqualTo(403);
      assertThat(pending.body()).contains("SUBSCRIPTION_PENDING");

      console.signIn(Gateways.ADMIN_CLIENT_ID, Gateways.ADMIN_CLIENT_SECRET);
      console.approvePendingSubscriptionOf(app);

      HttpResponse<String> approved =
          Http.get(URI.create(base + api + "/items"), "X-API-Key", created.apiKey());
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
      assertThat(ManagedGateway.upstream().requestsContaining("/shop/items")).isNotEmpty();

      portal.openApp(app); // still signed in: the session cookie outlives the console's visit
      assertThat(portal.subscriptionState(plan)).isEqualTo("active");
      assertThat(portal.used("quota")).isEqualTo("1");
    }
  }

  @Test
  void aViewerSeesTheConsoleButCanChangeNothing() throws Exception {
    try (Browser browser = Browser.start()) {
      ConsoleSteps console = new ConsoleSteps(browser.driver, consoleBase());
      console.signIn(Gateways.VIEWER_CLIENT_ID, Gateways.VIEWER_CLIENT_SECRET);
      for (String route : console.routes()) {
        console.open(route);
        assertThat(console.changeControls())
            .as("change controls a viewer sees at " + route)
            .isEmpty();
      }
    }
    // The API refuses the viewer's change whatever a page shows.
    HttpResponse<String> refused =
        AdminClient.send(
            ManagedGateway.server(),
            AdminClient.viewerToken(),
            "POST",
            "/admin/v1/apps",
            "{\"name\":\"viewer-app-" + RUN + "\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("ADMIN_FORBIDDEN");
  }

  @Test
  void consolePagesAreAccessibleAndRaiseNoContentSecurityPolicyViolation() throws Exception {
    try (Browser browser = Browser.start()) {
      browser.open(consoleBase() + "/console/");
      browser.visible(By.id("signin-client-id"));
      browser.assertAccessible("the console's sign-in");
      browser.screenshots("console-sign-in");
      ConsoleSteps console = new ConsoleSteps(browser.driver, consoleBase());
      console.signIn(Gateways.ADMIN_CLIENT_ID, Gateways.ADMIN_CLIENT_SECRET);
      for (String route : console.routes()) {
        console.open(route);
        browser.assertAccessible("the console at " + route);
        assertThat(browser.overflowsAtPhoneWidth()).as(route + " at phone width").isFalse();
        browser.screenshots("console-" + route.substring(2).replace('/', '-'));
      }
      // The editors: an API with the standard chain's generated settings forms, a new app.
      console.open("#/apis/new");
      browser.visible(By.id("api-standard-chain")).click();
      browser.assertAccessible("the console's API editor");
      browser.screenshots("console-api-editor");
      console.open("#/products/new");
      browser.assertAccessible("the console's product editor");
      String probe = "csp-probe-console-" + RUN;
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

  @Test
  void aDeveloperSignsInThroughTheOpenIdConnectProvider() throws Exception {
    String user = "oidc-dev-" + RUN;
    StubOidcProvider.nextUser = user;
    try (Browser browser = Browser.start()) {
      PortalSteps portal = new PortalSteps(browser, portalBase());
      portal.open("#/catalog");
      browser.visible(By.id("oidc-sign-in")).click();
      browser.until(ExpectedConditions.urlContains("/portal/#/apps"));
      browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), user));
      portal.registerApp("oidc-app-" + RUN);
      JsonObject apps =
          json(AdminClient.send("GET", "/admin/v1/apps?name=oidc-app-" + RUN, null).body());
      assertThat(apps.getJsonArray("items").getJsonObject(0).getString("owner"))
          .isEqualTo("oidc:" + user);

      // A callback that does not belong to a sign-in this browser started signs nobody in.
      browser.open(portalBase() + "/portal/api/session/oidc/callback?code=forged&state=forged");
      browser.until(ExpectedConditions.urlContains("#/sign-in-failed"));
      browser.until(d -> !portal.alert().isEmpty());
      assertThat(portal.alert()).contains("Sign-in failed");
    }
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
    // A body over the portal's 16 KiB is refused before it is parsed, even on a public endpoint.
    HttpResponse<String> large =
        Http.send(
            HttpRequest.newBuilder(URI.create(base + "portal/api/session/demo"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + "0,".repeat(20_000) + "0]")));
    assertThat(large.statusCode()).isEqualTo(413);
    assertThat(large.body()).contains("BODY_TOO_LARGE");
    // An app may hold at most 10 credentials in use through the portal.
    for (int i = 1; i < 10; i++) {
      alice.send("POST", "/apps/" + appId + "/keys", "{}");
      assertThat(alice.status).isEqualTo(201);
    }
    assertThat(alice.send("POST", "/apps/" + appId + "/keys", "{}").getString("errorKey"))
        .isEqualTo("PORTAL_KEY_LIMIT");
    // What the platform team suspended, the developer cannot undo by cancelling or deleting.
    long planId = alice.freePlanId();
    long subscriptionId =
        alice
            .send("POST", "/apps/" + appId + "/subscriptions", "{\"planId\":" + planId + "}")
            .getJsonNumber("id")
            .longValue();
    assertThat(
            AdminClient.send("POST", "/admin/v1/subscriptions/" + subscriptionId + "/suspend", null)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            alice
                .send(
                    "POST", "/apps/" + appId + "/subscriptions/" + subscriptionId + "/cancel", null)
                .getString("errorKey"))
        .isEqualTo("SUBSCRIPTION_STATE_CONFLICT");
    assertThat(AdminClient.send("POST", "/admin/v1/apps/" + appId + "/suspend", null).statusCode())
        .isEqualTo(200);
    assertThat(alice.send("DELETE", "/apps/" + appId, null).getString("errorKey"))
        .isEqualTo("APP_STATE_CONFLICT");
    assertThat(
            AdminClient.send("POST", "/admin/v1/apps/" + appId + "/reactivate", null).statusCode())
        .isEqualTo(200);
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
      long apiId =
          json(Http.get(URI.create(base + "portal/api/catalog")).body())
              .getJsonArray("products")
              .getJsonObject(0)
              .getJsonArray("apis")
              .getJsonObject(0)
              .getJsonNumber("id")
              .longValue();
      portal.open("#/apis/" + apiId);
      browser.assertAccessible("an API's documentation in the portal");
      assertThat(browser.overflowsAtPhoneWidth()).as("API documentation at phone width").isFalse();
      browser.screenshots("portal-api-documentation");

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
    String lastCacheControl;

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
      assertThat(setCookie)
          .contains("HttpOnly")
          .contains("SameSite=Strict")
          .contains("Secure")
          .contains("Path=/portal");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      HttpResponse<String> session =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(base + "portal/api/session"))
                  .header("Cookie", cookie)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new PortalApi(base, cookie, json(session.body()).getString("csrf"));
    }

    /** The id of the plan {@code free} of the demo product, as the portal's catalog lists it. */
    long freePlanId() throws Exception {
      JsonObject catalog = send("GET", "/catalog", null);
      assertThat(lastCacheControl).isEqualTo("no-store");
      return catalog.getJsonArray("products").stream()
          .flatMap(p -> p.asJsonObject().getJsonArray("plans").stream())
          .map(p -> p.asJsonObject())
          .filter(p -> p.getString("name").equals("free"))
          .findFirst()
          .orElseThrow()
          .getJsonNumber("id")
          .longValue();
    }

    JsonObject send(String method, String path, String body) throws Exception {
      HttpResponse<String> r =
          CLIENT.send(
              request(method, path, body, csrf, null), HttpResponse.BodyHandlers.ofString());
      status = r.statusCode();
      lastCacheControl = r.headers().firstValue("Cache-Control").orElse(null);
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
