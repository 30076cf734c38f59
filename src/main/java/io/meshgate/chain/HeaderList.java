package io.meshgate.chain;

import java.util.ArrayList;
import java.util.Arrays;
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
  /**
   * The fields in order, three slots each: the name as sent, its normalized form, the value. One
   * array instead of three lists: a call builds several header lists, and their nine lists and
   * backing arrays were a measurable part of what it allocates.
   */
  private String[] fields;

  private int size;

  public HeaderList() {
    this(16);
  }

  public HeaderList(int expected) {
    fields = new String[3 * Math.max(1, expected)];
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
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
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
            "X-Forwarded-Host",
            "X-Forwarded-Proto",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
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
    int at = 3 * size;
    if (at == fields.length) {
      fields = Arrays.copyOf(fields, 2 * fields.length);
    }
    fields[at] = name;
    fields[at + 1] = normalize(name);
    fields[at + 2] = value;
    size++;
  }

  /** Replaces every field of that (normalized) name by one field. */
  public void set(String name, String value) {
    removeAll(normalize(name));
    add(name, value);
  }

  /** First value of the field, or {@code null}. */
  public String first(String name) {
    String key = normalize(name);
    for (int i = 0; i < size; i++) {
      if (fields[3 * i + 1].equals(key)) {
        return fields[3 * i + 2];
      }
    }
    return null;
  }

  /** Every value of the field, in order. */
  public List<String> all(String name) {
    String key = normalize(name);
    List<String> found = new ArrayList<>(2);
    for (int i = 0; i < size; i++) {
      if (fields[3 * i + 1].equals(key)) {
        found.add(fields[3 * i + 2]);
      }
    }
    return found;
  }

  /** Number of fields with that name (in any spelling). */
  public int count(String name) {
    String key = normalize(name);
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (fields[3 * i + 1].equals(key)) {
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
    for (int r = 0; r < size; r++) {
      if (!normalizedName.test(fields[3 * r + 1])) {
        if (w != r) {
          System.arraycopy(fields, 3 * r, fields, 3 * w, 3);
        }
        w++;
      }
    }
    Arrays.fill(fields, 3 * w, 3 * size, null);
    size = w;
  }

  /** Visits every field with the sender's spelling of its name. */
  public void forEach(BiConsumer<String, String> visitor) {
    for (int i = 0; i < size; i++) {
      visitor.accept(fields[3 * i], fields[3 * i + 2]);
    }
  }

  /** A field's name as sent, its normalized name and its value. */
  @FunctionalInterface
  public interface FieldVisitor {
    void accept(String name, String normalizedName, String value);
  }

  /** Visits every field with both spellings of its name, without normalizing it again. */
  public void forEachField(FieldVisitor visitor) {
    for (int i = 0; i < size; i++) {
      visitor.accept(fields[3 * i], fields[3 * i + 1], fields[3 * i + 2]);
    }
  }

  public int size() {
    return size;
  }

  /** Bytes of the fields as an HTTP/1.1 header block: each name, value, ": " and CRLF. */
  public long wireSize() {
    long bytes = 0;
    for (int i = 0; i < size; i++) {
      bytes += fields[3 * i].length() + fields[3 * i + 2].length() + 4;
    }
    return bytes;
  }
}
