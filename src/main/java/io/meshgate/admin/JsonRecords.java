package io.meshgate.admin;

import io.meshgate.support.Problem;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds a JSON object to an admin request record with the JSON types the record declares and no
 * coercion: a {@code Boolean} takes only {@code true} or {@code false} (never {@code "yes"}), a
 * number only a JSON number with no fraction that fits ({@code "5"} and {@code 1.5} are refused), a
 * {@code String} only a JSON string, a record, a {@code Map} with string keys or {@code JsonObject}
 * only an object, a {@code List} only an array, an {@code Instant} only an ISO-8601 string. A
 * member the record does not declare is an error. JSON {@code null} is an absent value (Bean
 * Validation then says whether the field is required). Every bad field is reported at once, with
 * its path in the body ({@code rateLimit.limit}, {@code steps[2].config}).
 *
 * <p>Why not JSON-B: Yasson converts {@code "yes"} to {@code false} and {@code "5"} to {@code 5},
 * and has no setting that stops it. The admin API's request types are a small closed set, so this
 * binder supports exactly those types; {@link #supports(Type)} lets a test check that every body an
 * admin resource takes is one of them.
 */
public final class JsonRecords {
  private static final int MAX_SHOWN = 60;

  private JsonRecords() {}

  /** A body that does not fit its record: every violation, each naming its field. */
  public static final class Mismatch extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem.Violation> violations;

    Mismatch(List<Problem.Violation> violations) {
      super(violations.size() + " field(s) do not fit");
      this.violations = List.copyOf(violations);
    }

    public List<Problem.Violation> violations() {
      return violations;
    }
  }

  /**
   * @return the record bound from {@code json}, never null
   * @throws Mismatch listing every member of the wrong JSON type, out of range or unknown
   */
  public static <T extends Record> T bind(JsonObject json, Class<T> type) throws Mismatch {
    List<Problem.Violation> violations = new ArrayList<>();
    T bound = type.cast(record(json, type, "", violations));
    if (!violations.isEmpty()) {
      throw new Mismatch(violations);
    }
    return bound;
  }

  /** Whether {@code type} is a record built only of the types this binder reads. */
  public static boolean supports(Type type) {
    return supports(type, new LinkedHashSet<>());
  }

  private static boolean supports(Type type, Set<Type> seen) {
    if (type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      return p.getRawType() == List.class
          ? supports(args[0], seen)
          : p.getRawType() == Map.class && args[0] == String.class && supports(args[1], seen);
    }
    if (type == String.class
        || type == Boolean.class
        || type == Integer.class
        || type == Long.class
        || type == Instant.class
        || type == JsonObject.class) {
      return true;
    }
    if (type instanceof Class<?> c && c.isRecord()) {
      if (!seen.add(c)) {
        return true;
      }
      for (RecordComponent rc : c.getRecordComponents()) {
        if (!supports(rc.getGenericType(), seen)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static Object record(
      JsonObject json, Class<?> type, String path, List<Problem.Violation> out) {
    int before = out.size();
    RecordComponent[] components = type.getRecordComponents();
    Set<String> known = new LinkedHashSet<>();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent rc = components[i];
      known.add(rc.getName());
      types[i] = rc.getType();
      JsonValue v = json.get(rc.getName());
      args[i] = v == null ? null : value(v, rc.getGenericType(), field(path, rc.getName()), out);
    }
    for (String name : json.keySet()) {
      if (!known.contains(name)) {
        out.add(
            new Problem.Violation(
                field(path, name), "is not a field of this body (expected one of " + known + ")"));
      }
    }
    if (out.size() > before) {
      return null; // not built from members that did not fit: the violations say why
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof NullPointerException) {
        // A null element of a list or map, which the record copies with List/Map.copyOf.
        out.add(new Problem.Violation(path.isEmpty() ? "body" : path, "must not contain null"));
        return null;
      }
      throw new IllegalStateException("Cannot build " + type.getName(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot build " + type.getName(), e);
    }
  }

  private static Object value(JsonValue v, Type type, String path, List<Problem.Violation> out) {
    if (v.getValueType() == JsonValue.ValueType.NULL) {
      return null;
    }
    if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
      if (!(v instanceof JsonArray array)) {
        return wrong(path, "an array", v, out);
      }
      List<Object> list = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        list.add(value(array.get(i), p.getActualTypeArguments()[0], path + "[" + i + "]", out));
      }
      return Collections.unmodifiableList(list);
    }
    if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
      if (!(v instanceof JsonObject object)) {
        return wrong(path, "an object", v, out);
      }
      Map<String, Object> map = new LinkedHashMap<>();
      object.forEach(
          (key, value) ->
              map.put(key, value(value, p.getActualTypeArguments()[1], field(path, key), out)));
      return Collections.unmodifiableMap(map);
    }
    if (type == String.class) {
      return v instanceof JsonString s ? s.getString() : wrong(path, "a string", v, out);
    }
    if (type == Boolean.class) {
      return switch (v.getValueType()) {
        case TRUE -> Boolean.TRUE;
        case FALSE -> Boolean.FALSE;
        default -> wrong(path, "true or false", v, out);
      };
    }
    if (type == Integer.class) {
      Long n = whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE, path, out);
      return n == null ? null : Integer.valueOf(n.intValue());
    }
    if (type == Long.class) {
      return whole(v, Long.MIN_VALUE, Long.MAX_VALUE, path, out);
    }
    if (type == Instant.class) {
      if (!(v instanceof JsonString s)) {
        return wrong(path, "an ISO-8601 instant string such as \"2030-01-01T00:00:00Z\"", v, out);
      }
      try {
        return Instant.parse(s.getString());
      } catch (DateTimeParseException e) {
        return wrong(path, "an ISO-8601 instant such as \"2030-01-01T00:00:00Z\"", v, out);
      }
    }
    if (type == JsonObject.class) {
      return v instanceof JsonObject o ? o : wrong(path, "an object", v, out);
    }
    if (type instanceof Class<?> c && c.isRecord()) {
      return v instanceof JsonObject o ? record(o, c, path, out) : wrong(path, "an object", v, out);
    }
    throw new IllegalStateException("No strict JSON reading for " + type + " at " + path);
  }

  /** A JSON number without a fraction in [min, max]; its size is checked before it is expanded. */
  private static Long whole(
      JsonValue v, long min, long max, String path, List<Problem.Violation> out) {
    String expected = "a whole number from " + min + " to " + max;
    if (!(v instanceof JsonNumber n)) {
      wrong(path, expected, v, out);
      return null;
    }
    BigDecimal d = n.bigDecimalValue().stripTrailingZeros();
    if (d.scale() > 0 || d.precision() - d.scale() > 19) {
      wrong(path, expected, v, out);
      return null;
    }
    BigDecimal lo = BigDecimal.valueOf(min);
    BigDecimal hi = BigDecimal.valueOf(max);
    if (d.compareTo(lo) < 0 || d.compareTo(hi) > 0) {
      wrong(path, expected, v, out);
      return null;
    }
    return d.longValueExact();
  }

  private static Object wrong(
      String path, String expected, JsonValue v, List<Problem.Violation> out) {
    out.add(new Problem.Violation(path, "must be " + expected + " (was " + shown(v) + ")"));
    return null;
  }

  /** The value as JSON, shortened: clients see what they sent and its JSON type. */
  static String shown(JsonValue v) {
    String text =
        switch (v.getValueType()) {
          case OBJECT -> "an object";
          case ARRAY -> "an array";
          default -> v.toString();
        };
    return text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "…" : text;
  }

  private static String field(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
