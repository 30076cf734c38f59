package io.meshgate.policy.ratelimit;

import java.util.ArrayList;
import java.util.List;

/**
 * A path template of an operation: literal segments, {@code {name}} for exactly one segment, and a
 * final {@code **} for any rest (none included). Matched against the raw path below the API's base
 * path, segment by segment; literals compare exactly (case-sensitive, still percent-encoded).
 */
final class PathTemplate {
  private static final String ANY_REST = "**";

  private final String text;
  private final String[] segments;
  private final boolean anyRest;

  private PathTemplate(String text, String[] segments, boolean anyRest) {
    this.text = text;
    this.segments = segments;
    this.anyRest = anyRest;
  }

  /**
   * @throws IllegalArgumentException with a message naming what is wrong
   */
  static PathTemplate parse(String template) {
    String[] parts = template.substring(1).split("/", -1);
    List<String> segments = new ArrayList<>();
    boolean anyRest = false;
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i];
      if (s.equals(ANY_REST)) {
        if (i != parts.length - 1) {
          throw new IllegalArgumentException("may use ** only as the last segment");
        }
        anyRest = true;
        continue;
      }
      if (s.isEmpty() && i != parts.length - 1) {
        throw new IllegalArgumentException("must not contain an empty segment (//)");
      }
      if (s.contains("{") || s.contains("}")) {
        if (!s.matches("\\{[A-Za-z0-9_-]+}")) {
          throw new IllegalArgumentException(
              "may use {name} only as a whole segment (was segment '" + s + "')");
        }
        s = null; // any one segment
      } else if (s.contains("*")) {
        throw new IllegalArgumentException(
            "may use * only as a final ** segment (was segment '" + s + "')");
      }
      segments.add(s);
    }
    return new PathTemplate(template, segments.toArray(String[]::new), anyRest);
  }

  boolean matches(String path) {
    String p = path.isEmpty() ? "/" : path;
    String[] parts = p.substring(p.startsWith("/") ? 1 : 0).split("/", -1);
    if (anyRest ? parts.length < segments.length : parts.length != segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s == null ? parts[i].isEmpty() : !s.equals(parts[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
