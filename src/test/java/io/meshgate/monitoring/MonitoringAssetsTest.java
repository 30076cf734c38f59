package io.meshgate.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.monitoring.PromQlSelectors.LabelMatcher;
import io.meshgate.monitoring.PromQlSelectors.Selector;
import io.meshgate.testing.Executables;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks {@code kubernetes/monitoring/}: the alert rules and every query of the Grafana dashboard
 * pass Prometheus' own validator ({@code promtool check rules}), the alerts fire as their unit
 * tests say ({@code promtool test rules}), every metric and label they use is in the metrics
 * contract ({@code metrics.txt}), the dashboard is well formed, and the PrometheusRule carries
 * exactly the rules of the plain rules file.
 *
 * <p>{@code promtool} comes with Debian's {@code prometheus} package. Without it the promtool
 * checks are skipped on a developer machine and fail under {@code CI=true}.
 */
class MonitoringAssetsTest {

  private static final Path PROJECT_DIR =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  private static final Path DIR = PROJECT_DIR.resolve("kubernetes/monitoring");
  private static final Path DASHBOARD = DIR.resolve("grafana-dashboard.json");
  private static final Path ALERT_RULES = DIR.resolve("alert-rules.yaml");
  private static final Path ALERT_TESTS = DIR.resolve("alert-rules.test.yaml");
  private static final Path PROMETHEUS_RULE = DIR.resolve("prometheus-rule.yaml");
  private static final Path SCRAPE_CONFIG = DIR.resolve("prometheus.yml");
  private static final Path CONTRACT = DIR.resolve("metrics.txt");

  /** Grafana's own variables, and what a panel query gets for them in the checks below. */
  private static final Pattern TIME_VARIABLE =
      Pattern.compile(
          "\\$(?:\\{__(?:rate_interval|interval|range)}|__(?:rate_interval|interval|range))");

  /**
   * A dashboard variable in any of Grafana's spellings: $name, ${name}, ${name:format}, [[name]].
   */
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");

  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.+),\\s*(\\w+)\\s*\\)$", Pattern.DOTALL);

  // ------------------------------------------------------------- (a) the alert rules

  @Test
  void promtoolAcceptsTheAlertRules() throws Exception {
    Result result = promtool("check", "rules", ALERT_RULES.toString());
    assertThat(result.exit()).as("promtool check rules:%n%s", result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void theAlertsFireAsTheirUnitTestsSay() throws Exception {
    Result result = promtool("test", "rules", ALERT_TESTS.toString());
    assertThat(result.exit()).as("promtool test rules:%n%s", result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasForSeverityAndAnnotations() throws IOException {
    List<Map<String, Object>> rules = rules(groups(loadYaml(ALERT_RULES)));
    assertThat(rules).isNotEmpty();
    Set<String> names = new HashSet<>();
    for (Map<String, Object> rule : rules) {
      assertThat(rule).as("only alerting rules in %s: %s", ALERT_RULES, rule).containsKey("alert");
      String name = (String) rule.get("alert");
      assertThat(names.add(name)).as("alert %s defined once", name).isTrue();
      assertThat(name).as("alert name").startsWith("Meshgate");
      assertThat(rule).as(name).containsKey("for");
      assertThat(map(rule.get("labels")))
          .as("%s labels", name)
          .extractingByKey("severity")
          .isIn("critical", "warning");
      Map<String, Object> annotations = map(rule.get("annotations"));
      assertThat((String) annotations.get("summary")).as("%s summary", name).isNotBlank();
      assertThat((String) annotations.get("description")).as("%s description", name).isNotBlank();
    }
    // Every alert is documented where an operator looks when it fires.
    String readme = Files.readString(DIR.resolve("README.md"));
    assertThat(names).allSatisfy(name -> assertThat(readme).as("README").contains(name));
  }

  @Test
  void thePrometheusRuleCarriesExactlyTheRulesOfTheRulesFile() throws IOException {
    Map<String, Object> rule = loadYaml(PROMETHEUS_RULE);
    assertThat(rule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.get("kind")).isEqualTo("PrometheusRule");
    String regenerate = "regenerate it with kubernetes/monitoring/generate-prometheus-rule.sh";
    assertThat(map(rule.get("spec")).get("groups"))
        .as("spec.groups of %s (%s)", PROMETHEUS_RULE, regenerate)
        .isEqualTo(loadYaml(ALERT_RULES).get("groups"));
    // Comments too: the text after `spec:`, two spaces less indented, is the rules file's text.
    String plain = Files.readString(ALERT_RULES);
    String wrapped = Files.readString(PROMETHEUS_RULE);
    String groups = plain.substring(plain.indexOf("\ngroups:") + 1);
    String spec = wrapped.substring(wrapped.indexOf("\nspec:\n") + "\nspec:\n".length());
    assertThat(spec.replaceAll("(?m)^  ", "")).as(regenerate).isEqualTo(groups);
  }

  @Test
  void theScrapeConfigPassesPromtool(@TempDir Path dir) throws Exception {
    Result result = promtool("check", "config", SCRAPE_CONFIG.toString());
    if (result.exit() != 0 && result.output().contains("field kubernetes_sd_configs not found")) {
      // Debian builds Prometheus without Kubernetes service discovery: check everything else,
      // with the discovery replaced by a static target.
      Map<String, Object> config = loadYaml(SCRAPE_CONFIG);
      for (Object job : (List<?>) config.get("scrape_configs")) {
        Map<String, Object> scrape = map(job);
        assertThat(scrape.remove("kubernetes_sd_configs")).isNotNull();
        scrape.put("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:9081"))));
      }
      Files.writeString(dir.resolve("prometheus.yml"), dumpYaml(config));
      Files.copy(ALERT_RULES, dir.resolve(ALERT_RULES.getFileName()));
      result = promtool("check", "config", dir.resolve("prometheus.yml").toString());
    }
    assertThat(result.exit()).as("promtool check config:%n%s", result.output()).isZero();
    Map<String, Object> job = map(((List<?>) loadYaml(SCRAPE_CONFIG).get("scrape_configs")).get(0));
    assertThat(job.get("job_name")).as("the job name the `up` alerts select").isEqualTo("meshgate");
  }

  // ---------------------------------------------------- (b) every dashboard query parses

  @Test
  void promtoolParsesEveryDashboardQuery(@TempDir Path dir) throws Exception {
    Map<String, String> queries = dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(30);
    List<Map<String, Object>> rules = new ArrayList<>();
    queries.forEach(
        (where, expr) -> rules.add(Map.of("record", recordName(where), "expr", forPromtool(expr))));
    Path file = dir.resolve("dashboard-queries.yaml");
    Files.writeString(
        file, dumpYaml(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));

    Result result = promtool("check", "rules", file.toString());
    assertThat(result.exit())
        .as("promtool check rules on the dashboard's queries:%n%s", result.output())
        .isZero();
    assertThat(result.output()).contains("SUCCESS: " + queries.size() + " rules found");
  }

  // ------------------------------------------------------- (c) the metrics contract

  @Test
  void theDashboardAndTheAlertsUseOnlyContractMetricsAndLabels() throws IOException {
    Map<String, Set<String>> contract = PromQlSelectors.contract(Files.readAllLines(CONTRACT));
    Map<String, String> queries = new LinkedHashMap<>(dashboardQueries());
    for (Map<String, Object> rule : rules(groups(loadYaml(ALERT_RULES)))) {
      queries.put("alert " + rule.get("alert"), (String) rule.get("expr"));
    }
    // The unit tests of the alerts must feed the series meshgate really exports.
    for (Object test : (List<?>) loadYaml(ALERT_TESTS).get("tests")) {
      for (Object series : (List<?>) map(test).get("input_series")) {
        queries.put("alert test input " + queries.size(), (String) map(series).get("series"));
      }
    }

    List<String> problems = new ArrayList<>();
    Set<String> used = new HashSet<>();
    queries.forEach(
        (where, expr) -> {
          for (Selector selector : PromQlSelectors.of(expr)) {
            used.add(selector.metric());
            Set<String> labels = contract.get(selector.metric());
            if (labels == null) {
              problems.add(where + ": metric " + selector.metric() + " is not in metrics.txt");
              continue;
            }
            for (LabelMatcher m : selector.matchers()) {
              if (!labels.contains(m.label())) {
                problems.add(
                    where + ": " + selector.metric() + " has no label " + m.label() + " " + labels);
              }
              if (VARIABLE.matcher(m.value()).find() && !m.op().endsWith("~")) {
                problems.add(
                    where + ": " + m + " needs =~ (a multi-value variable expands to a|b)");
              }
            }
          }
        });
    for (VariableQuery variable : variableQueries(dashboard())) {
      String metric = PromQlSelectors.of(variable.selector()).get(0).metric();
      if (!contract.getOrDefault(metric, Set.of()).contains(variable.label())) {
        problems.add(
            "variable " + variable.name() + ": " + metric + " has no label " + variable.label());
      }
    }
    assertThat(problems).isEmpty();
    assertThat(used)
        .contains("meshgate_requests_total", "meshgate_request_duration_seconds_bucket");
  }

  @Test
  void theSelectorReaderFindsEveryMetricAndSkipsTheRest() {
    assertThat(
            PromQlSelectors.of(
                "histogram_quantile(0.99, sum by (api, le) (rate(a_bucket{api=~\"$api\","
                    + " plan!=\"x}\"}[5m:1m] offset 1h))) / on (api) group_left (plan)"
                    + " label_replace(b, \"dst\", \"c{d}\", \"src\", \"(.*)\") > 7 * 86400"
                    + " unless topk(3, c)"))
        .containsExactly(
            new Selector(
                "a_bucket",
                List.of(
                    new LabelMatcher("api", "=~", "$api"), new LabelMatcher("plan", "!=", "x}"))),
            new Selector("b", List.of()),
            new Selector("c", List.of()));
    assertThatThrownBy(() -> PromQlSelectors.of("{__name__=\"x\"}"))
        .hasMessageContaining("without a metric name");
  }

  // --------------------------------------------------------- (d) dashboard structure

  @Test
  void theDashboardIsWellFormed() throws IOException {
    JsonObject dashboard = dashboard();
    assertThat(dashboard.getInt("schemaVersion")).isGreaterThanOrEqualTo(39);
    assertThat(dashboard.getString("uid")).isNotBlank().hasSizeLessThanOrEqualTo(40);
    assertThat(dashboard.getString("title")).isNotBlank();

    Map<String, JsonObject> variables = new LinkedHashMap<>();
    for (JsonValue v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      variables.put(v.asJsonObject().getString("name"), v.asJsonObject());
    }
    assertThat(variables).containsKeys("datasource", "api", "plan");
    assertThat(variables.get("datasource").getString("type")).isEqualTo("datasource");
    assertThat(variables.get("datasource").getString("query")).isEqualTo("prometheus");
    for (String name : List.of("api", "plan")) {
      assertThat(variables.get(name).getString("type")).isEqualTo("query");
      assertThat(variables.get(name).getString("query")).startsWith("label_values(");
    }

    List<String> problems = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    List<int[]> boxes = new ArrayList<>();
    for (JsonObject panel : panels(dashboard)) {
      String name = "panel " + panel.getInt("id", -1) + " '" + panel.getString("title", "") + "'";
      if (!panel.containsKey("id") || !ids.add(panel.getInt("id"))) {
        problems.add(name + ": missing or duplicate id");
      }
      JsonObject pos = panel.getJsonObject("gridPos");
      if (pos == null || !pos.keySet().containsAll(List.of("h", "w", "x", "y"))) {
        problems.add(name + ": gridPos with h, w, x and y expected");
      } else {
        int[] box = {pos.getInt("x"), pos.getInt("y"), pos.getInt("w"), pos.getInt("h")};
        if (box[0] < 0 || box[2] < 1 || box[0] + box[2] > 24 || box[3] < 1) {
          problems.add(name + ": gridPos outside the 24 columns: " + pos);
        }
        for (int[] other : boxes) {
          if (box[0] < other[0] + other[2]
              && other[0] < box[0] + box[2]
              && box[1] < other[1] + other[3]
              && other[1] < box[1] + box[3]) {
            problems.add(name + ": overlaps another panel at " + pos);
          }
        }
        boxes.add(box);
      }
      if ("row".equals(panel.getString("type", null))) {
        continue; // a row only groups the panels below it
      }
      if (!panel.containsKey("type") || panel.getString("title", "").isBlank()) {
        problems.add(name + ": type and title expected");
      }
      if (!usesTheDatasourceVariable(panel)) {
        problems.add(name + ": datasource must be the ${datasource} variable");
      }
      List<JsonObject> targets =
          panel.containsKey("targets")
              ? panel.getJsonArray("targets").getValuesAs(JsonObject.class)
              : List.of();
      if (targets.isEmpty()) {
        problems.add(name + ": no targets");
      }
      Set<String> refIds = new HashSet<>();
      for (JsonObject target : targets) {
        if (!target.containsKey("refId") || !refIds.add(target.getString("refId"))) {
          problems.add(name + ": missing or duplicate refId");
        }
        if (target.getString("expr", "").isBlank()) {
          problems.add(name + ": a target without expr");
        }
        if (!usesTheDatasourceVariable(target)) {
          problems.add(name + ": target datasource must be the ${datasource} variable");
        }
        Matcher m = VARIABLE.matcher(target.getString("expr", ""));
        while (m.find()) {
          String variable =
              Stream.of(m.group(1), m.group(2), m.group(3))
                  .filter(g -> g != null)
                  .findFirst()
                  .orElseThrow();
          if (!variable.startsWith("__") && !variables.containsKey(variable)) {
            problems.add(name + ": undefined variable $" + variable);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  // ------------------------------------------------------------------ kustomize

  @Test
  @SuppressWarnings("unchecked")
  void theKustomizationShipsTheDashboardForGrafanasSidecarAndTheOperatorResources()
      throws IOException {
    Map<String, Object> kustomization = loadYaml(DIR.resolve("kustomization.yaml"));
    for (Object resource : (List<?>) kustomization.get("resources")) {
      assertThat(DIR.resolve((String) resource)).exists();
    }
    assertThat((List<Object>) kustomization.get("resources")).contains("prometheus-rule.yaml");
    Map<String, Object> generator = map(((List<?>) kustomization.get("configMapGenerator")).get(0));
    assertThat((List<Object>) generator.get("files"))
        .containsExactly("meshgate.json=grafana-dashboard.json");
    Map<String, Object> options = map(generator.get("options"));
    assertThat(map(options.get("labels"))).containsEntry("grafana_dashboard", "1");
    assertThat(options).containsEntry("disableNameSuffixHash", true);
  }

  @Test
  void kubectlRendersTheDashboardConfigMapFromTheJsonFile() throws Exception {
    Optional<Path> kubectl = Executables.onPath("kubectl");
    assumeTrue(kubectl.isPresent(), "kubectl is not on PATH");
    Result result = run(List.of(kubectl.get().toString(), "kustomize", DIR.toString()));
    assertThat(result.exit()).as("kubectl kustomize:%n%s", result.output()).isZero();
    Map<String, Object> configMap = null;
    for (Object doc : yaml().loadAll(result.output())) {
      if ("ConfigMap".equals(map(doc).get("kind"))) {
        configMap = map(doc);
      }
    }
    assertThat(configMap).as("the rendered ConfigMap").isNotNull();
    assertThat(map(configMap.get("data")))
        .containsEntry("meshgate.json", Files.readString(DASHBOARD));
  }

  // ------------------------------------------------------------------ helpers

  /** Every PromQL query of the dashboard (panel targets and variable selectors), by where. */
  private static Map<String, String> dashboardQueries() throws IOException {
    JsonObject dashboard = dashboard();
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonObject panel : panels(dashboard)) {
      if (!panel.containsKey("targets")) {
        continue;
      }
      for (JsonObject target : panel.getJsonArray("targets").getValuesAs(JsonObject.class)) {
        queries.put(
            "panel " + panel.getInt("id") + " " + target.getString("refId"),
            target.getString("expr"));
      }
    }
    for (VariableQuery variable : variableQueries(dashboard)) {
      queries.put("variable " + variable.name(), variable.selector());
    }
    return queries;
  }

  /** A query variable's {@code label_values(selector, label)}. */
  private record VariableQuery(String name, String selector, String label) {}

  private static List<VariableQuery> variableQueries(JsonObject dashboard) {
    List<VariableQuery> queries = new ArrayList<>();
    for (JsonValue v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      JsonObject variable = v.asJsonObject();
      if (!"query".equals(variable.getString("type"))) {
        continue;
      }
      JsonValue query = variable.get("query");
      String text =
          query.getValueType() == JsonValue.ValueType.STRING
              ? variable.getString("query")
              : query.asJsonObject().getString("query");
      Matcher m = LABEL_VALUES.matcher(text.strip());
      assertThat(m.matches()).as("variable %s: label_values(selector, label)", text).isTrue();
      queries.add(new VariableQuery(variable.getString("name"), m.group(1), m.group(2)));
    }
    return queries;
  }

  /** A panel query as promtool gets it: time variables → 5m, any other variable → .* */
  static String forPromtool(String expr) {
    String withTimes = TIME_VARIABLE.matcher(expr).replaceAll("5m");
    return VARIABLE.matcher(withTimes).replaceAll(".*");
  }

  private static String recordName(String where) {
    return "dashboard:" + where.replaceAll("[^A-Za-z0-9]+", "_");
  }

  private static List<JsonObject> panels(JsonObject dashboard) {
    List<JsonObject> panels = new ArrayList<>();
    for (JsonObject panel : dashboard.getJsonArray("panels").getValuesAs(JsonObject.class)) {
      panels.add(panel);
      if (panel.containsKey("panels")) { // a collapsed row keeps its panels inside
        panels.addAll(panel.getJsonArray("panels").getValuesAs(JsonObject.class));
      }
    }
    return panels;
  }

  private static boolean usesTheDatasourceVariable(JsonObject o) {
    JsonObject ds = o.getJsonObject("datasource");
    return ds != null
        && "prometheus".equals(ds.getString("type", null))
        && "${datasource}".equals(ds.getString("uid", null));
  }

  private static JsonObject dashboard() throws IOException {
    try (JsonReader reader = Json.createReader(new StringReader(Files.readString(DASHBOARD)))) {
      return reader.readObject();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  private static List<?> groups(Map<String, Object> rulesFile) {
    return (List<?>) rulesFile.get("groups");
  }

  private static List<Map<String, Object>> rules(List<?> groups) {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object group : groups) {
      for (Object rule : (List<?>) map(group).get("rules")) {
        rules.add(map(rule));
      }
    }
    return rules;
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit(8 * 1024 * 1024);
    DumperOptions dumper = new DumperOptions();
    dumper.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    dumper.setWidth(Integer.MAX_VALUE);
    return new Yaml(
        new SafeConstructor(options),
        new org.yaml.snakeyaml.representer.Representer(dumper),
        dumper,
        options);
  }

  private static Map<String, Object> loadYaml(Path file) throws IOException {
    return map(yaml().load(Files.readString(file)));
  }

  private static String dumpYaml(Object o) {
    return yaml().dump(o);
  }

  private record Result(int exit, String output) {}

  /** Runs promtool; missing, the test is skipped (failed under CI=true). */
  private static Result promtool(String... args) throws Exception {
    Optional<Path> promtool = Executables.onPath("promtool");
    if (promtool.isEmpty()) {
      String why =
          "promtool is not on PATH (Debian: apt-get install prometheus): the monitoring assets"
              + " were not checked with Prometheus' validator";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " (CI=true: promtool is required)");
      }
      assumeTrue(false, why);
    }
    List<String> command = new ArrayList<>();
    command.add(promtool.get().toString());
    command.addAll(List.of(args));
    return run(command);
  }

  private static Result run(List<String> command) throws Exception {
    Path out = Files.createTempFile("monitoring", ".out");
    try {
      // promtool resolves rule_files relative to the file it checks, not to the working dir.
      Process process =
          new ProcessBuilder(command)
              .directory(DIR.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail(command + " did not finish within a minute");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
