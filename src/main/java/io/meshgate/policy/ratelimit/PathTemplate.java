package io.meshgate.policy.ratelimit;

import java.util.ArrayList;
import java.util.List;

/**
 * A path template of an operation: literal segments, {@code {name}} for exactly one segment, and a
 * final {@code **} for any rest (none included). Shared by every policy that names operations
 * ({@code rate-limit}, {@code scope}). Matched against the raw path below the API's base path,
 * segment by segment; literals compare exactly (case-sensitive, still percent-encoded).
 */
public final class PathTemplate {
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
  public static PathTemplate parse(String template) {
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

  /**
   * Matches the path as an upstream would read it, so that spellings of one resource cannot dodge
   * an operation's limit: percent-encoded unreserved characters are decoded ({@code /%6Frders} is
   * {@code /orders}), {@code ;parameters} of a segment are dropped, repeated slashes count as one
   * and a trailing {@code /} is ignored (except for a template that ends in one).
   */
  public boolean matches(String rawPath) {
    String p = normalize(rawPath.isEmpty() ? "/" : rawPath);
    if (p.length() > 1 && p.endsWith("/") && !text.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
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

  /** Decodes %XX of unreserved characters (RFC 3986 §2.3) and drops ;parameters of segments. */
  static String normalize(String path) {
    if (path.indexOf('%') < 0 && path.indexOf(';') < 0 && !path.contains("//")) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    boolean inParams = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '/') {
        inParams = false;
        if (out.length() == 0 || out.charAt(out.length() - 1) != '/') {
          out.append(c); // "//" is "/" to upstreams that merge slashes (nginx, Tomcat)
        }
      } else if (inParams) {
        continue;
      } else if (c == ';') {
        inParams = true;
      } else if (c == '%' && i + 2 < path.length()) {
        int high = Character.digit(path.charAt(i + 1), 16);
        int low = Character.digit(path.charAt(i + 2), 16);
        if (high >= 0 && low >= 0 && isUnreserved((char) (high * 16 + low))) {
          out.append((char) (high * 16 + low));
          i += 2;
        } else {
          out.append(c);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  @Override
  public String toString() {
    return text;
  }
}
