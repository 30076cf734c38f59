package it.io.meshgate.browser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console ({@code /console/} on the admin port) as a browser test sees it: each step
 * works through the pages like a person would (labelled fields by id, buttons by id or by their
 * row) and waits explicitly for the page to say it is done, never for a fixed time.
 *
 * <p>The console marks its state on {@code <main>}: {@code data-path} is the hash the page shows
 * and {@code data-state} is {@code loading}, {@code ready} or {@code error}; rows carry their
 * entity's id ({@code data-id}, {@code data-plan-id}, {@code data-subscription-id}).
 */
public final class ConsoleSteps {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** Every top-level route, in navigation order. */
  private static final List<String> ROUTES =
      List.of(
          "#/apis",
          "#/products",
          "#/apps",
          "#/subscriptions",
          "#/keys",
          "#/mesh",
          "#/analytics",
          "#/audit");

  /**
   * Words on controls that change something. Matched on buttons only (and links styled as buttons),
   * never on plain links, whose text may be an entity's name.
   */
  private static final Pattern CHANGE =
      Pattern.compile(
          "\\b(new|create|add|edit|save|delete|remove|approve|reject|suspend|resume|cancel"
              + "|reactivate|publish|retire|revoke|rotate|rotation|register|migrate|schedule"
              + "|subscribe|reset|use standard chain)\\b");

  private final WebDriver driver;
  private final String adminBase;
  private final WebDriverWait wait;

  public ConsoleSteps(WebDriver driver, String adminBase) {
    this.driver = Objects.requireNonNull(driver, "driver");
    this.adminBase = stripSlash(Objects.requireNonNull(adminBase, "adminBase"));
    this.wait = new WebDriverWait(driver, TIMEOUT);
    this.wait.ignoring(StaleElementReferenceException.class);
  }

  /** Opens the console, signs in with the client credentials and waits for the navigation. */
  public void signIn(String clientId, String clientSecret) {
    driver.get(adminBase + "/console/");
    WebElement id = wait.until(ExpectedConditions.elementToBeClickable(By.id("signin-client-id")));
    type(id, clientId);
    type(driver.findElement(By.id("signin-client-secret")), clientSecret);
    driver.findElement(By.id("signin-submit")).click();
    String outcome =
        wait.until(
            d -> {
              if (d.findElement(By.id("main-nav")).isDisplayed()
                  && "ready".equals(mainAttribute("data-state"))) {
                return "ok";
              }
              WebElement problem = d.findElement(By.id("signin-problem"));
              return problem.isDisplayed() && !problem.getText().isBlank()
                  ? problem.getText()
                  : null;
            });
    if (!"ok".equals(outcome)) {
      throw new IllegalStateException("Sign-in to the console failed: " + outcome);
    }
  }

  /**
   * Creates an API with the standard chain (client-auth, subscription, rate-limit, token, headers)
   * in state published, and returns its id.
   */
  public long createPublishedApi(String name, String basePath, String upstreamUrl) {
    open("#/apis/new");
    type(byId("api-name"), name);
    type(byId("api-basePath"), basePath);
    type(byId("api-upstreamUrl"), upstreamUrl);
    new Select(byId("api-state")).selectByValue("published");
    click(byId("api-standard-chain"));
    wait.until(d -> d.findElements(By.cssSelector("#api-steps select[id$='-policy']")).size() == 5);
    click(byId("api-save"));
    WebElement form =
        awaitOutcome(
            d -> {
              if (!Pattern.matches("#/apis/\\d+", mainAttribute("data-path"))
                  || !"ready".equals(mainAttribute("data-state"))) {
                return null;
              }
              List<WebElement> saved = d.findElements(By.cssSelector("#api-form[data-id]"));
              return saved.isEmpty() ? null : saved.get(0);
            },
            "#api-form");
    if (!"published".equals(form.getDomAttribute("data-state"))) {
      throw new IllegalStateException(
          "The API was saved in state " + form.getDomAttribute("data-state") + ", not published");
    }
    return Long.parseLong(form.getDomAttribute("data-id"));
  }

  /**
   * Creates a product named productName bundling the API apiId, adds one plan to it and returns the
   * plan's id.
   */
  public long createProductWithPlan(
      String productName, String title, long apiId, String planName, boolean approvalRequired) {
    return createProductWithPlan(productName, title, apiId, planName, approvalRequired, null);
  }

  /** As above, the plan with a daily quota of {@code dailyQuota} calls when it is not null. */
  public long createProductWithPlan(
      String productName,
      String title,
      long apiId,
      String planName,
      boolean approvalRequired,
      Long dailyQuota) {
    open("#/products/new");
    type(byId("product-name"), productName);
    type(byId("product-title"), title);
    WebElement api = byId("product-api-" + apiId);
    if (!api.isSelected()) {
      click(api);
    }
    click(byId("product-save"));
    awaitOutcome(
        d -> {
          if (!Pattern.matches("#/products/\\d+", mainAttribute("data-path"))
              || !"ready".equals(mainAttribute("data-state"))) {
            return null;
          }
          List<WebElement> saved = d.findElements(By.cssSelector("#product-form[data-id]"));
          return saved.isEmpty() ? null : saved.get(0);
        },
        "#product-form");
    click(byId("plan-new"));
    WebElement name = wait.until(ExpectedConditions.elementToBeClickable(By.id("plan-name")));
    type(name, planName);
    type(byId("plan-title"), title + " " + planName);
    WebElement approval = byId("plan-approvalRequired");
    if (approval.isSelected() != approvalRequired) {
      click(approval);
    }
    if (dailyQuota != null) {
      type(byId("plan-quota-limit"), Long.toString(dailyQuota));
    }
    click(byId("plan-save"));
    By row = By.cssSelector("#plan-table tr[data-plan-name=\"" + cssString(planName) + "\"]");
    WebElement plan =
        awaitOutcome(
            d -> {
              if (!"ready".equals(mainAttribute("data-state"))) {
                return null;
              }
              List<WebElement> rows = d.findElements(row);
              return rows.isEmpty() ? null : rows.get(0);
            },
            "#plan-form");
    return Long.parseLong(plan.getDomAttribute("data-plan-id"));
  }

  /**
   * In the approval queue (pending subscriptions), approves the one whose app is appName and waits
   * until its row shows it active.
   */
  public void approvePendingSubscriptionOf(String appName) {
    open("#/subscriptions");
    Select state = new Select(byId("subscription-state"));
    if (!"pending".equals(state.getFirstSelectedOption().getDomProperty("value"))) {
      state.selectByValue("pending");
      markNavigating();
      click(driver.findElement(By.cssSelector("#subscription-filter button[type=submit]")));
      awaitReady("#/subscriptions");
    }
    By pending =
        By.cssSelector(
            "#subscription-table tr[data-app-name=\""
                + cssString(appName)
                + "\"][data-state=\"pending\"]");
    List<WebElement> rows = driver.findElements(pending);
    if (rows.isEmpty()) {
      throw new NoSuchElementException(
          "No pending subscription of the app " + appName + " in the approval queue");
    }
    WebElement row = rows.get(0);
    String id = row.getDomAttribute("data-subscription-id");
    click(row.findElement(By.cssSelector("button[data-action=\"approve\"]")));
    By same = By.cssSelector("#subscription-table tr[data-subscription-id=\"" + id + "\"]");
    awaitOutcome(
        d -> {
          WebElement r = d.findElement(same);
          return "active".equals(r.getDomAttribute("data-state"))
                  && r.findElement(By.cssSelector(".sub-state")).getText().contains("active")
              ? r
              : null;
        },
        "#subscription-status");
  }

  /** Every route of the console's navigation. */
  public List<String> routes() {
    return ROUTES;
  }

  /** Navigates to route (e.g. {@code #/apis}) and waits until its content has loaded. */
  public void open(String route) {
    markNavigating();
    ((JavascriptExecutor) driver)
        .executeScript(
            "if (location.hash === arguments[0]) {"
                + " window.dispatchEvent(new HashChangeEvent('hashchange'));"
                + "} else { location.hash = arguments[0]; }",
            route);
    awaitReady(route);
  }

  /**
   * The text of every visible button (or link styled as one) on the current page that would change
   * something: create, edit, delete, approve, publish, revoke and the like. Empty for a viewer.
   */
  public List<String> changeControls() {
    List<String> found = new ArrayList<>();
    for (WebElement el :
        driver.findElements(
            By.cssSelector(
                "main button, main a.button, main [role=button],"
                    + " main input[type=submit], main input[type=button]"))) {
      try {
        if (!el.isDisplayed()) {
          continue;
        }
        String text = el.getText().isBlank() ? valueOrLabel(el) : el.getText().trim();
        String words = (text + " " + Objects.toString(el.getDomAttribute("aria-label"), ""));
        if (CHANGE.matcher(words.toLowerCase(Locale.ROOT)).find()) {
          found.add(text);
        }
      } catch (StaleElementReferenceException e) {
        // re-rendered while reading: the page changed under us; its new controls are read below
      }
    }
    return found;
  }

  private void awaitReady(String route) {
    try {
      wait.until(
          d ->
              route.equals(mainAttribute("data-path"))
                  && ("ready".equals(mainAttribute("data-state"))
                      || "error".equals(mainAttribute("data-state"))));
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "The console did not load "
              + route
              + " (at "
              + mainAttribute("data-path")
              + ", "
              + mainAttribute("data-state")
              + ")",
          e);
    }
    if ("error".equals(mainAttribute("data-state"))) {
      throw new IllegalStateException(
          "The console page " + route + " failed: " + alertText(driver.findElement(By.id("main"))));
    }
  }

  /**
   * Waits for done to give an element, or for a problem shown in the element at problemScope (an
   * API error next to the form), which fails the step with the problem's text.
   */
  private WebElement awaitOutcome(
      java.util.function.Function<WebDriver, WebElement> done, String problemScope) {
    Object outcome =
        wait.until(
            d -> {
              WebElement ok = done.apply(d);
              if (ok != null) {
                return ok;
              }
              for (WebElement p :
                  d.findElements(
                      By.cssSelector(problemScope + " .problem, main > #view .problem"))) {
                if (p.isDisplayed() && !p.getText().isBlank()) {
                  return p.getText();
                }
              }
              return null;
            });
    if (outcome instanceof WebElement element) {
      return element;
    }
    throw new IllegalStateException("The console showed an error: " + outcome);
  }

  private void markNavigating() {
    ((JavascriptExecutor) driver)
        .executeScript("document.getElementById('main').dataset.state = 'navigating';");
  }

  private String mainAttribute(String name) {
    String value = driver.findElement(By.id("main")).getDomAttribute(name);
    return value == null ? "" : value;
  }

  private WebElement byId(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  private void click(WebElement element) {
    wait.until(ExpectedConditions.elementToBeClickable(element)).click();
  }

  private static void type(WebElement input, String text) {
    input.clear();
    input.sendKeys(text);
  }

  private static String alertText(WebElement scope) {
    List<WebElement> alerts = scope.findElements(By.cssSelector("[role=alert]"));
    return alerts.isEmpty() ? "(no message)" : alerts.get(0).getText();
  }

  private static String valueOrLabel(WebElement el) {
    String value = el.getDomProperty("value");
    if (value != null && !value.isBlank()) {
      return value.trim();
    }
    return Objects.toString(el.getDomAttribute("aria-label"), "").trim();
  }

  /** Escapes a value for a double-quoted CSS attribute selector. */
  private static String cssString(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String stripSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }
}
