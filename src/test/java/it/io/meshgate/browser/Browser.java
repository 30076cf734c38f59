package it.io.meshgate.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the browser tests: Debian's {@code chromium}, driven through
 * Debian's {@code chromedriver} (never a driver or browser Selenium would download). Without them
 * the tests are skipped, except under {@code CI=true}, where {@code .ci/run} installs them and a
 * missing browser fails. Also checks a page's accessibility with axe-core (from its WebJar,
 * injected into the page) and writes screenshots to {@code target/screenshots/} for review.
 */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  /** Phone width for the narrow screenshots (an iPhone SE / mini in CSS pixels). */
  static final Dimension PHONE = new Dimension(375, 812);

  static final Dimension DESKTOP = new Dimension(1280, 900);

  private static String axeSource;

  public final WebDriver driver;
  private final Path profile;

  private Browser(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts Chromium, or skips the test when it is not installed (fails under {@code CI=true}). */
  public static Browser start() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true but "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing (.ci/run installs"
              + " Debian's chromium and chromium-driver)");
    }
    Assumptions.assumeTrue(installed, "Debian's chromium and chromium-driver are not installed");
    try {
      Path profile = Files.createTempDirectory("meshgate-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--user-data-dir=" + profile,
          "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service =
          new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      return new Browser(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public WebDriverWait waiting() {
    return new WebDriverWait(driver, Duration.ofSeconds(20));
  }

  public <T> T until(Function<? super WebDriver, T> condition) {
    try {
      return waiting().until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + diagnosis(), e);
    }
  }

  /** What the page shows and what the browser logged: for a failed wait's message. */
  public String diagnosis() {
    StringBuilder out = new StringBuilder("at " + driver.getCurrentUrl() + "\npage text:\n");
    try {
      out.append(driver.findElement(By.tagName("body")).getText());
    } catch (RuntimeException e) {
      out.append("(unreadable: ").append(e.getMessage()).append(')');
    }
    out.append("\nbrowser log:\n");
    try {
      for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
        out.append(entry.getLevel()).append(' ').append(entry.getMessage()).append('\n');
      }
    } catch (RuntimeException e) {
      out.append("(unavailable: ").append(e.getMessage()).append(')');
    }
    return out.toString();
  }

  public WebElement visible(By by) {
    return until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  public void open(String url) {
    driver.get(url);
  }

  /**
   * The accessibility violations axe-core finds on the current page that are serious or critical,
   * as "rule: target (summary)" lines (WCAG 2 A/AA and best-practice rules).
   */
  @SuppressWarnings("unchecked")
  public List<String> seriousAccessibilityViolations() {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    js.executeScript(axe());
    Object result =
        js.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
                + " nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary)}))))"
                + ".catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));");
    List<String> serious = new ArrayList<>();
    for (Object o : (List<Object>) result) {
      Map<String, Object> v = (Map<String, Object>) o;
      if ("serious".equals(v.get("impact")) || "critical".equals(v.get("impact"))) {
        serious.add(v.get("id") + ": " + v.get("nodes"));
      }
    }
    return serious;
  }

  /** Checks the current page with axe-core: no serious or critical violation. */
  public void assertAccessible(String what) {
    assertThat(seriousAccessibilityViolations()).as("axe-core on " + what).isEmpty();
  }

  /** Writes a screenshot of the current page at desktop and phone width. */
  public void screenshots(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      for (Map.Entry<String, Dimension> size :
          Map.of("desktop", DESKTOP, "phone", PHONE).entrySet()) {
        driver.manage().window().setSize(size.getValue());
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + "-" + size.getKey() + ".png"), png);
      }
      driver.manage().window().setSize(DESKTOP);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the page scrolls sideways at phone width (the page, not a table inside it). */
  public boolean overflowsAtPhoneWidth() {
    driver.manage().window().setSize(PHONE);
    try {
      Object wider =
          ((JavascriptExecutor) driver)
              .executeScript(
                  "return document.documentElement.scrollWidth > window.innerWidth + 1;");
      return Boolean.TRUE.equals(wider);
    } finally {
      driver.manage().window().setSize(DESKTOP);
    }
  }

  private static synchronized String axe() {
    if (axeSource == null) {
      String path = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
      try (InputStream in = Browser.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException(path + " is missing from the test classpath");
        }
        axeSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return axeSource;
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary profile is harmless
    }
  }
}
