package it.io.meshgate.browser;

import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The developer portal as a developer uses it, in a real browser: located by ids and labels the
 * pages give their controls, waiting on what the page shows, never sleeping.
 */
public final class PortalSteps {
  private final Browser browser;
  private final String portal;

  /**
   * @param dataBase the data port, e.g. {@code http://localhost:9080} (localhost: the session
   *     cookie is {@code Secure}, which a browser accepts over plain HTTP only from localhost)
   */
  public PortalSteps(Browser browser, String dataBase) {
    this.browser = browser;
    this.portal = dataBase + "/portal/";
  }

  /** What the portal showed once, when an app was registered. */
  public record NewApp(String clientId, String clientSecret, String apiKey) {}

  public void signIn(String developer) {
    open("#/catalog");
    WebElement name = browser.visible(By.id("demo-developer"));
    name.sendKeys(developer);
    browser.driver.findElement(By.xpath("//form[.//input[@id='demo-developer']]//button")).click();
    browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Signed in as"));
    browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("demo-developer")));
  }

  /** Opens a route ({@code #/catalog}, {@code #/apps}, {@code #/apps/3}) and waits for it. */
  public void open(String route) {
    browser.open(portal + route);
    browser.until(ExpectedConditions.attributeToBe(By.id("view"), "data-loaded", route));
  }

  public NewApp registerApp(String name) {
    open("#/apps");
    browser.visible(By.id("app-name")).sendKeys(name);
    browser.driver.findElement(By.xpath("//button[normalize-space()='Register app']")).click();
    WebElement key = browser.visible(By.id("new-api-key"));
    NewApp app =
        new NewApp(
            browser.driver.findElement(By.id("new-client-id")).getText(),
            browser.driver.findElement(By.id("new-client-secret")).getText(),
            key.getText());
    browser.driver.findElement(By.id("secrets-close")).click();
    browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("new-api-key")));
    return app;
  }

  /** Subscribes an app to a plan from the product list; the portal then shows the app. */
  public void subscribe(String appName, String planName) {
    // The portal's catalog may be up to two seconds old: reload until the new plan is listed.
    By plan = By.cssSelector("tr[data-plan='" + planName + "']");
    WebElement row =
        browser
            .waiting()
            .pollingEvery(java.time.Duration.ofMillis(500))
            .until(
                d -> {
                  open("#/catalog");
                  List<WebElement> rows = d.findElements(plan);
                  return rows.isEmpty() ? null : rows.get(0);
                });
    new Select(row.findElement(By.tagName("select"))).selectByVisibleText(appName);
    row.findElement(By.cssSelector("button[type='submit']")).click();
    browser.until(ExpectedConditions.urlContains("#/apps/"));
    browser.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-subscription]")));
  }

  /** The state the app page shows for the app's subscription to {@code planName}. */
  public String subscriptionState(String planName) {
    return browser
        .driver
        .findElement(
            By.xpath("//tr[@data-subscription][td[2][normalize-space()='" + planName + "']]/td[3]"))
        .getText();
  }

  /** The "used" figure of the app page's usage row whose window starts with {@code window}. */
  public String used(String window) {
    return browser.visible(By.cssSelector("td[data-usage^='" + window + "']")).getText();
  }

  /** The error the page shows, or empty. */
  public String alert() {
    List<WebElement> alert = browser.driver.findElements(By.cssSelector("#alert:not([hidden])"));
    return alert.isEmpty() ? "" : alert.get(0).getText();
  }

  /** Opens one of the developer's apps from "My apps" and waits for its page. */
  public void openApp(String name) {
    open("#/apps");
    browser.visible(By.linkText(name)).click();
    browser.until(ExpectedConditions.urlContains("#/apps/"));
    browser.until(
        d -> {
          String loaded = d.findElement(By.id("view")).getDomAttribute("data-loaded");
          return loaded != null && loaded.startsWith("#/apps/") ? loaded : null;
        });
  }

  /** The app ids of the apps the developer sees on "My apps". */
  public List<String> appNames() {
    open("#/apps");
    return browser.driver.findElements(By.cssSelector("ul[aria-label='Apps'] h2")).stream()
        .map(WebElement::getText)
        .toList();
  }
}
