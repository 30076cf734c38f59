package io.meshgate.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * An ordered, mutable list of HTTP header fields that keeps duplicates and the sender's spelling.
 * Lookups and removals compare <em>normalized</em> names (ASCII lower case, {@code _} read as
 * {@code -}), because proxies in front of the mesh treat {@code X_Client_Plan} and {@code
 * x-client-plan} alike: a reserved header must be caught in every spelling.
 */
public final class HeaderList {
  private final ArrayList<String> names;
  private final ArrayList<String> normalized;
  private final ArrayList<String> values;

  public HeaderList() {
    this(16);
  }

  public HeaderList(int expected) {
    names = new ArrayList<>(expected);
    normalized = new ArrayList<>(expected);
    values = new ArrayList<>(expected);
  }

  /**
   * Normalized forms of the names most messages carry, in the spelling senders use: every call
   * normalizes each of its request and response fields, and a new lower-case string per field was a
   * measurable part of what a call allocates. Fixed at start, so no sender can grow it.
   */
  private static final Map<String, String> COMMON = commonNames();

  private static Map<String, String> commonNames() {
    Map<String, String> m = new HashMap<>();
    for (String name :
        List.of(
            "Accept",
            "Accept-Encoding",
            "Accept-Language",
            "Accept-Ranges",
            "Access-Control-Allow-Origin",
            "Age",
            "Authorization",
            "Cache-Control",
            "Connection",
            "Content-Encoding",
            "Content-Language",
            "Content-Length",
            "Content-Type",
            "Cookie",
            "Date",
            "ETag",
            "Expires",
            "Host",
            "If-Modified-Since",
            "If-None-Match",
            "Keep-Alive",
            "Last-Modified",
            "Location",
            "Origin",
            "Pragma",
            "Referer",
            "Server",
            "Set-Cookie",
            "Strict-Transport-Security",
            "Transfer-Encoding",
            "User-Agent",
            "Vary",
            "X-API-Key",
            "X-Api-Key",
            "X-Content-Type-Options",
            "X-Forwarded-For",
            "X-Forwarded-Proto",
            "X-Request-ID",
            "X-Request-Id")) {
      m.put(name, slowNormalize(name));
    }
    return Map.copyOf(m);
  }

  /** ASCII lower case with {@code _} replaced by {@code -}; allocates only when it must. */
  public static String normalize(String name) {
    String common = COMMON.get(name);
    return common != null ? common : slowNormalize(name);
  }

  private static String slowNormalize(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if ((c >= 'A' && c <= 'Z') || c == '_') {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
      }
    }
    return name;
  }

  public void add(String name, String value) {
    names.add(name);
    normalized.add(normalize(name));
    values.add(value);
  }

  /** Replaces every field of that (normalized) name by one field. */
  public void set(String name, String value) {
    removeAll(normalize(name));
    add(name, value);
  }

  /** First value of the field, or {@code null}. */
  public String first(String name) {
    String key = normalize(name);
    for (int i = 0; i < normalized.size(); i++) {
      if (normalized.get(i).equals(key)) {
        return values.get(i);
      }
    }
    return null;
  }

  /** Every value of the field, in order. */
  public List<String> all(String name) {
    String key = normalize(name);
    List<String> found = new ArrayList<>(2);
    for (int i = 0; i < normalized.size(); i++) {
      if (normalized.get(i).equals(key)) {
        found.add(values.get(i));
      }
    }
    return found;
  }

  /** Number of fields with that name (in any spelling). */
  public int count(String name) {
    String key = normalize(name);
    int n = 0;
    for (String candidate : normalized) {
      if (candidate.equals(key)) {
        n++;
      }
    }
    return n;
  }

  public boolean contains(String name) {
    return first(name) != null;
  }

  /** Removes every field of that name, in any spelling. */
  public void removeAll(String name) {
    String key = normalize(name);
    removeIf(n -> n.equals(key));
  }

  /** Removes every field whose normalized name matches. */
  public void removeIf(Predicate<String> normalizedName) {
    int w = 0;
    for (int r = 0; r < names.size(); r++) {
      if (!normalizedName.test(normalized.get(r))) {
        names.set(w, names.get(r));
        normalized.set(w, normalized.get(r));
        values.set(w, values.get(r));
        w++;
      }
    }
    for (int i = names.size() - 1; i >= w; i--) {
      names.remove(i);
      normalized.remove(i);
      values.remove(i);
    }
  }

  /** Visits every field with the sender's spelling of its name. */
  public void forEach(BiConsumer<String, String> visitor) {
    for (int i = 0; i < names.size(); i++) {
      visitor.accept(names.get(i), values.get(i));
    }
  }

  /** A field's name as sent, its normalized name and its value. */
  @FunctionalInterface
  public interface FieldVisitor {
    void accept(String name, String normalizedName, String value);
  }

  /** Visits every field with both spellings of its name, without normalizing it again. */
  public void forEachField(FieldVisitor visitor) {
    for (int i = 0; i < names.size(); i++) {
      visitor.accept(names.get(i), normalized.get(i), values.get(i));
    }
  }

  public int size() {
    return names.size();
  }

  /** Bytes of the fields as an HTTP/1.1 header block: each name, value, ": " and CRLF. */
  public long wireSize() {
    long size = 0;
    for (int i = 0; i < names.size(); i++) {
      size += names.get(i).length() + values.get(i).length() + 4;
    }
    return size;
  }
}
