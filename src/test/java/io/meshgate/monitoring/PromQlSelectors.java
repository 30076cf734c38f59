package io.meshgate.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The series selectors of a PromQL expression: each metric name with the label matchers written on
 * it. Not a PromQL parser (promtool checks the syntax); it only has to find every metric name, so
 * it skips what cannot be one: strings, range and subquery brackets, function and aggregation names
 * (an identifier followed by {@code (}), keywords and the label lists of {@code by}, {@code
 * without}, {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}.
 */
final class PromQlSelectors {

  /** One matcher {@code label op "value"} of a selector. */
  record LabelMatcher(String label, String op, String value) {}

  /** A metric name and its matchers (empty when written without braces). */
  record Selector(String metric, List<LabelMatcher> matchers) {}

  private static final Set<String> LABEL_LIST_KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "inf",
          "nan",
          "start",
          "end",
          "atan2",
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");

  private final String s;
  private int i;

  private PromQlSelectors(String expr) {
    this.s = expr;
  }

  /** Every selector of {@code expr}, in order. */
  static List<Selector> of(String expr) {
    return new PromQlSelectors(expr).read();
  }

  private List<Selector> read() {
    List<Selector> selectors = new ArrayList<>();
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        string();
      } else if (c == '[') {
        skipTo(']');
      } else if (c == '{') {
        throw new IllegalArgumentException(
            "a selector without a metric name at " + i + " of: " + s + " (name the metric)");
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && isDigit(i + 1))) {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++; // a number or a duration (0.99, 1e3, 5m, 1h30m)
        }
      } else if (isIdentifierStart(c)) {
        String name = identifier();
        skipSpaces();
        char next = i < s.length() ? s.charAt(i) : '\0';
        if (LABEL_LIST_KEYWORDS.contains(name)) {
          if (next == '(') {
            skipTo(')');
          }
        } else if (KEYWORDS.contains(name) || next == '(') {
          // an operator, modifier or aggregation, or a function call: not a metric
        } else {
          selectors.add(new Selector(name, next == '{' ? matchers() : List.of()));
        }
      } else {
        i++;
      }
    }
    return selectors;
  }

  private List<LabelMatcher> matchers() {
    List<LabelMatcher> matchers = new ArrayList<>();
    i++; // '{'
    while (true) {
      skipSpaces();
      if (peek() == '}') {
        i++;
        return matchers;
      }
      String label = identifier();
      skipSpaces();
      int opStart = i;
      while (i < s.length() && "=!~".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      String op = s.substring(opStart, i);
      if (!Set.of("=", "!=", "=~", "!~").contains(op)) {
        throw new IllegalArgumentException("bad matcher operator '" + op + "' in: " + s);
      }
      skipSpaces();
      matchers.add(new LabelMatcher(label, op, string()));
      skipSpaces();
      if (peek() == ',') {
        i++;
      }
    }
  }

  /** Reads a quoted string at {@code i} and returns its content (escapes kept as written). */
  private String string() {
    char quote = s.charAt(i);
    if (quote != '"' && quote != '\'' && quote != '`') {
      throw new IllegalArgumentException("expected a string at " + i + " of: " + s);
    }
    int start = ++i;
    while (i < s.length() && s.charAt(i) != quote) {
      if (s.charAt(i) == '\\' && quote != '`') {
        i++;
      }
      i++;
    }
    if (i >= s.length()) {
      throw new IllegalArgumentException("unterminated string in: " + s);
    }
    return s.substring(start, i++);
  }

  private void skipTo(char close) {
    int end = s.indexOf(close, i);
    if (end < 0) {
      throw new IllegalArgumentException("no '" + close + "' after " + i + " in: " + s);
    }
    i = end + 1;
  }

  private String identifier() {
    int start = i;
    if (i >= s.length() || !isIdentifierStart(s.charAt(i))) {
      throw new IllegalArgumentException("expected a name at " + i + " of: " + s);
    }
    while (i < s.length() && (isIdentifierStart(s.charAt(i)) || Character.isDigit(s.charAt(i)))) {
      i++;
    }
    return s.substring(start, i);
  }

  private void skipSpaces() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private char peek() {
    if (i >= s.length()) {
      throw new IllegalArgumentException("unexpected end of: " + s);
    }
    return s.charAt(i);
  }

  private boolean isDigit(int at) {
    return Character.isDigit(s.charAt(at));
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  /**
   * The metrics contract ({@code kubernetes/monitoring/metrics.txt}): every scraped series name
   * with the labels it may carry. A histogram {@code x} gives {@code x_bucket} (with {@code le}),
   * {@code x_sum} and {@code x_count}; a summary {@code x} gives {@code x} (with {@code quantile}),
   * {@code x_sum} and {@code x_count}. {@code job} and {@code instance} are allowed everywhere.
   */
  static Map<String, Set<String>> contract(List<String> lines) {
    Map<String, Set<String>> series = new LinkedHashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      if (fields.length < 2) {
        throw new IllegalArgumentException(
            "metrics.txt: '<name> <type> [labels]' expected: " + raw);
      }
      String name = fields[0];
      List<String> labels = new ArrayList<>(List.of(fields).subList(2, fields.length));
      labels.add("job");
      labels.add("instance");
      switch (fields[1]) {
        case "counter", "gauge" -> put(series, name, labels);
        case "histogram" -> {
          put(series, name + "_bucket", plus(labels, "le"));
          put(series, name + "_sum", labels);
          put(series, name + "_count", labels);
        }
        case "summary" -> {
          put(series, name, plus(labels, "quantile"));
          put(series, name + "_sum", labels);
          put(series, name + "_count", labels);
        }
        default -> throw new IllegalArgumentException("metrics.txt: unknown type in: " + raw);
      }
    }
    return series;
  }

  private static List<String> plus(List<String> labels, String label) {
    List<String> more = new ArrayList<>(labels);
    more.add(label);
    return more;
  }

  private static void put(Map<String, Set<String>> series, String name, List<String> labels) {
    if (series.put(name, Set.copyOf(labels)) != null) {
      throw new IllegalArgumentException("metrics.txt: " + name + " is listed twice");
    }
  }
}
