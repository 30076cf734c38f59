package io.meshgate.admin.policies;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import jakarta.validation.constraints.AssertFalse;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Negative;
import jakarta.validation.constraints.NegativeOrZero;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.AnnotatedWildcardType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * The JSON Schema (a draft 2020-12 subset) of a policy's config record, read by reflection: what
 * the admin console builds a step's settings form from.
 *
 * <p>Record components become {@code properties} in declaration order, each with a {@code title}
 * (its name split into words: Javadoc is not there at run time) and, when the record's canonical
 * constructor fills one in for an omitted field, its {@code default}. Types map as JSON-B reads
 * them here (Yasson: enums by {@link Enum#name()}, {@code Instant} and {@code Duration} as ISO-8601
 * strings). Bean Validation constraints, on the component or on a type argument ({@code
 * List<@Pattern(...) String>}), become the matching keywords; a Java {@code @Pattern} matches the
 * whole value, so its expression is anchored. Records are objects with {@code additionalProperties:
 * false}, since configs refuse unknown fields. A record that contains itself is described once
 * under {@code $defs} and referred to by {@code $ref} ({@code #} for the root).
 *
 * <p>A type it cannot describe (a type variable, a plain class) is a programming error: {@link
 * IllegalArgumentException} naming the field, which {@code ConfigSchemaTest} catches for every
 * registered policy.
 */
public final class ConfigSchema {
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  private static final String DEFS = "#/$defs/";

  private final Class<? extends Record> root;
  private final Deque<Class<?>> open = new ArrayDeque<>();
  private final Set<Class<?>> recursive = new LinkedHashSet<>();

  private ConfigSchema(Class<? extends Record> root) {
    this.root = root;
  }

  /**
   * @throws IllegalArgumentException when a component's type cannot be described
   */
  public static JsonObject of(Class<? extends Record> type) {
    return new ConfigSchema(type).build();
  }

  private JsonObject build() {
    Map<String, JsonValue> schema = new LinkedHashMap<>();
    schema.put("$schema", Json.createValue(DIALECT));
    schema.putAll(record(root, root.getSimpleName()));
    if (!recursive.isEmpty()) {
      JsonObjectBuilder defs = Json.createObjectBuilder();
      List<Class<?>> done = new ArrayList<>();
      // Describing one recursive record can reveal another: loop until none is new.
      while (done.size() < recursive.size()) {
        Class<?> next = recursive.stream().filter(t -> !done.contains(t)).findFirst().orElseThrow();
        done.add(next);
        defs.add(defName(next), object(record(next, defName(next))));
      }
      schema.put("$defs", defs.build());
    }
    return object(schema);
  }

  /** An object schema for a record; the caller has checked it is not already open. */
  private Map<String, JsonValue> record(Class<?> type, String where) {
    open.push(type);
    try {
      Map<String, Object> defaults = defaults(type);
      JsonObjectBuilder properties = Json.createObjectBuilder();
      JsonArrayBuilder required = Json.createArrayBuilder();
      boolean anyRequired = false;
      for (RecordComponent c : type.getRecordComponents()) {
        Method accessor = c.getAccessor();
        if (accessor.isAnnotationPresent(JsonbTransient.class)) {
          continue;
        }
        String name = jsonName(c);
        List<Annotation> constraints = new ArrayList<>();
        collect(accessor.getAnnotations(), constraints);
        collect(c.getAnnotatedType().getAnnotations(), constraints);
        Map<String, JsonValue> property = new LinkedHashMap<>();
        property.put("title", Json.createValue(title(c.getName())));
        property.putAll(schema(c.getAnnotatedType(), constraints, where + "." + c.getName()));
        JsonValue fallback = json(defaults.get(c.getName()));
        if (fallback != null) {
          property.put("default", fallback);
        }
        properties.add(name, object(property));
        if (constraints.stream()
            .anyMatch(
                a -> a instanceof NotNull || a instanceof NotBlank || a instanceof NotEmpty)) {
          required.add(name);
          anyRequired = true;
        }
      }
      Map<String, JsonValue> schema = new LinkedHashMap<>();
      schema.put("type", Json.createValue("object"));
      schema.put("properties", properties.build());
      if (anyRequired) {
        schema.put("required", required.build());
      }
      schema.put("additionalProperties", JsonValue.FALSE);
      return schema;
    } finally {
      open.pop();
    }
  }

  /** The schema of one (possibly annotated, possibly generic) type, with its constraints. */
  private Map<String, JsonValue> schema(
      AnnotatedType annotated, List<Annotation> constraints, String where) {
    if (annotated instanceof AnnotatedWildcardType wildcard) {
      AnnotatedType[] upper = wildcard.getAnnotatedUpperBounds();
      List<Annotation> more = new ArrayList<>(constraints);
      collect(upper[0].getAnnotations(), more);
      return schema(upper[0], more, where);
    }
    Map<String, JsonValue> schema = new LinkedHashMap<>();
    if (annotated instanceof AnnotatedArrayType array) {
      if (array.getType() == byte[].class) {
        schema.put("type", Json.createValue("string"));
        schema.put("contentEncoding", Json.createValue("base64"));
      } else {
        schema.put("type", Json.createValue("array"));
        schema.put("items", element(array.getAnnotatedGenericComponentType(), where + "[]"));
      }
      constrain(schema, constraints);
      return schema;
    }
    Class<?> raw = raw(annotated, where);
    AnnotatedType[] args =
        annotated instanceof AnnotatedParameterizedType p
            ? p.getAnnotatedActualTypeArguments()
            : new AnnotatedType[0];
    if (raw == Optional.class) {
      if (args.length == 0) {
        throw unsupported(annotated, where);
      }
      List<Annotation> more = new ArrayList<>(constraints);
      collect(args[0].getAnnotations(), more);
      return schema(args[0], more, where);
    }
    if (raw.isRecord()) {
      if (open.contains(raw)) {
        if (raw != root) {
          recursive.add(raw);
        }
        schema.put("$ref", Json.createValue(raw == root ? "#" : DEFS + defName(raw)));
        return schema;
      }
      schema.putAll(record(raw, where));
      return schema;
    }
    if (Collection.class.isAssignableFrom(raw)) {
      schema.put("type", Json.createValue("array"));
      if (args.length == 1) {
        schema.put("items", element(args[0], where + "[]"));
      }
      if (Set.class.isAssignableFrom(raw)) {
        schema.put("uniqueItems", JsonValue.TRUE);
      }
    } else if (Map.class.isAssignableFrom(raw)) {
      schema.put("type", Json.createValue("object"));
      if (args.length == 2) {
        Class<?> key = raw(args[0], where + "{}");
        if (key.isEnum()) {
          schema.put(
              "propertyNames", Json.createObjectBuilder().add("enum", enumNames(key)).build());
        } else if (key != String.class) {
          throw unsupported(args[0], where + "{}");
        }
        schema.put("additionalProperties", element(args[1], where + "{}"));
      }
    } else {
      scalar(raw, schema, annotated, where);
    }
    constrain(schema, constraints);
    return schema;
  }

  /** A collection's element or a map's value: its own type-use constraints only. */
  private JsonObject element(AnnotatedType type, String where) {
    List<Annotation> constraints = new ArrayList<>();
    collect(type.getAnnotations(), constraints);
    return object(schema(type, constraints, where));
  }

  private static void scalar(
      Class<?> raw, Map<String, JsonValue> schema, AnnotatedType annotated, String where) {
    if (raw == String.class || raw == CharSequence.class) {
      schema.put("type", Json.createValue("string"));
    } else if (raw == char.class || raw == Character.class) {
      schema.put("type", Json.createValue("string"));
      schema.put("minLength", Json.createValue(1));
      schema.put("maxLength", Json.createValue(1));
    } else if (raw == boolean.class || raw == Boolean.class) {
      schema.put("type", Json.createValue("boolean"));
    } else if (raw == int.class
        || raw == Integer.class
        || raw == long.class
        || raw == Long.class
        || raw == short.class
        || raw == Short.class
        || raw == byte.class
        || raw == Byte.class
        || raw == BigInteger.class
        || raw == OptionalInt.class
        || raw == OptionalLong.class) {
      schema.put("type", Json.createValue("integer"));
    } else if (raw == double.class
        || raw == Double.class
        || raw == float.class
        || raw == Float.class
        || raw == BigDecimal.class
        || raw == OptionalDouble.class) {
      schema.put("type", Json.createValue("number"));
    } else if (raw.isEnum()) {
      schema.put("type", Json.createValue("string"));
      schema.put("enum", enumNames(raw));
    } else if (raw == JsonObject.class) {
      schema.put("type", Json.createValue("object"));
    } else if (raw == JsonArray.class) {
      schema.put("type", Json.createValue("array"));
    } else if (raw == JsonValue.class) {
      // any JSON value: the empty schema
    } else {
      String format = FORMATS.get(raw);
      if (format == null) {
        throw unsupported(annotated, where);
      }
      schema.put("type", Json.createValue("string"));
      if (!format.isEmpty()) {
        schema.put("format", Json.createValue(format));
      }
    }
  }

  /** Types JSON-B writes as strings, with their JSON Schema {@code format} ("" for none). */
  private static final Map<Class<?>, String> FORMATS =
      Map.ofEntries(
          Map.entry(Instant.class, "date-time"),
          Map.entry(OffsetDateTime.class, "date-time"),
          Map.entry(ZonedDateTime.class, "date-time"),
          Map.entry(LocalDateTime.class, ""),
          Map.entry(LocalDate.class, "date"),
          Map.entry(LocalTime.class, ""),
          Map.entry(OffsetTime.class, "time"),
          Map.entry(Duration.class, "duration"),
          Map.entry(Period.class, "duration"),
          Map.entry(ZoneId.class, ""),
          Map.entry(URI.class, "uri"),
          Map.entry(URL.class, "uri"),
          Map.entry(UUID.class, "uuid"));

  /** Adds the keywords of the constraints that apply to the schema's type. */
  private static void constrain(Map<String, JsonValue> schema, List<Annotation> constraints) {
    String type = schema.get("type") instanceof JsonString s ? s.getString() : "";
    String min = "string".equals(type) ? "minLength" : "array".equals(type) ? "minItems" : null;
    String max = "string".equals(type) ? "maxLength" : "array".equals(type) ? "maxItems" : null;
    if ("object".equals(type)) {
      min = "minProperties";
      max = "maxProperties";
    }
    boolean integer = "integer".equals(type);
    boolean numeric = integer || "number".equals(type);
    List<String> patterns = new ArrayList<>();
    boolean notBlank = false;
    for (Annotation a : constraints) {
      if (a instanceof Size size && min != null) {
        raise(schema, min, BigDecimal.valueOf(size.min()), 0);
        if (size.max() != Integer.MAX_VALUE) {
          lower(schema, max, BigDecimal.valueOf(size.max()));
        }
      } else if (a instanceof NotEmpty && min != null) {
        raise(schema, min, BigDecimal.ONE, 0);
      } else if (a instanceof NotBlank && "string".equals(type)) {
        raise(schema, "minLength", BigDecimal.ONE, 0);
        notBlank = true;
      } else if (a instanceof Pattern pattern && "string".equals(type)) {
        patterns.add("^(?:" + pattern.regexp() + ")$");
      } else if (a instanceof Email && "string".equals(type)) {
        schema.put("format", Json.createValue("email"));
      } else if (a instanceof AssertTrue && "boolean".equals(type)) {
        schema.put("const", JsonValue.TRUE);
      } else if (a instanceof AssertFalse && "boolean".equals(type)) {
        schema.put("const", JsonValue.FALSE);
      } else if (numeric) {
        bound(schema, a, integer);
      }
    }
    if (notBlank && patterns.isEmpty()) {
      patterns.add("\\S"); // NotBlank: at least one character that is not white space
    }
    if (!patterns.isEmpty()) {
      schema.put("pattern", Json.createValue(patterns.get(0)));
    }
    if (patterns.size() > 1) {
      JsonArrayBuilder all = Json.createArrayBuilder();
      patterns.stream().skip(1).forEach(p -> all.add(Json.createObjectBuilder().add("pattern", p)));
      schema.put("allOf", all.build());
    }
  }

  /** {@code minimum} / {@code maximum} (or their exclusive forms) of a numeric constraint. */
  private static void bound(Map<String, JsonValue> schema, Annotation a, boolean integer) {
    if (a instanceof Min m) {
      raise(schema, "minimum", BigDecimal.valueOf(m.value()), Long.MIN_VALUE);
    } else if (a instanceof Max m) {
      lower(schema, "maximum", BigDecimal.valueOf(m.value()));
    } else if (a instanceof DecimalMin m) {
      raise(
          schema,
          m.inclusive() ? "minimum" : "exclusiveMinimum",
          new BigDecimal(m.value()),
          Long.MIN_VALUE);
    } else if (a instanceof DecimalMax m) {
      lower(schema, m.inclusive() ? "maximum" : "exclusiveMaximum", new BigDecimal(m.value()));
    } else if (a instanceof Positive) {
      if (integer) {
        raise(schema, "minimum", BigDecimal.ONE, Long.MIN_VALUE);
      } else {
        raise(schema, "exclusiveMinimum", BigDecimal.ZERO, Long.MIN_VALUE);
      }
    } else if (a instanceof PositiveOrZero) {
      raise(schema, "minimum", BigDecimal.ZERO, Long.MIN_VALUE);
    } else if (a instanceof Negative) {
      if (integer) {
        lower(schema, "maximum", BigDecimal.ONE.negate());
      } else {
        lower(schema, "exclusiveMaximum", BigDecimal.ZERO);
      }
    } else if (a instanceof NegativeOrZero) {
      lower(schema, "maximum", BigDecimal.ZERO);
    }
  }

  /** Sets a lower bound, keeping the stricter one; a bound at or below {@code floor} is none. */
  private static void raise(
      Map<String, JsonValue> schema, String key, BigDecimal value, long floor) {
    if (value.compareTo(BigDecimal.valueOf(floor)) <= 0) {
      return;
    }
    if (!(schema.get(key) instanceof JsonNumber old)
        || old.bigDecimalValue().compareTo(value) < 0) {
      schema.put(key, number(value));
    }
  }

  /** Sets an upper bound, keeping the stricter one. */
  private static void lower(Map<String, JsonValue> schema, String key, BigDecimal value) {
    if (!(schema.get(key) instanceof JsonNumber old)
        || old.bigDecimalValue().compareTo(value) > 0) {
      schema.put(key, number(value));
    }
  }

  private static JsonNumber number(BigDecimal value) {
    BigDecimal plain = value.stripTrailingZeros();
    return plain.scale() <= 0
        ? Json.createValue(plain.toBigIntegerExact())
        : Json.createValue(plain);
  }

  /** Bean Validation constraints among annotations, with repeated ones ({@code @Pattern.List}). */
  private static void collect(Annotation[] annotations, List<Annotation> into) {
    for (Annotation a : annotations) {
      if (a instanceof Pattern.List list) {
        collect(list.value(), into);
      } else if (a instanceof Size.List list) {
        collect(list.value(), into);
      } else if (a.annotationType().getPackageName().equals(NotNull.class.getPackageName())
          && into.stream().noneMatch(a::equals)) {
        // The same annotation on a record component is seen on the accessor and on its type.
        into.add(a);
      }
    }
  }

  private static Class<?> raw(AnnotatedType annotated, String where) {
    if (annotated.getType() instanceof Class<?> c) {
      return c;
    }
    if (annotated.getType() instanceof ParameterizedType p
        && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    throw unsupported(annotated, where);
  }

  private static IllegalArgumentException unsupported(AnnotatedType type, String where) {
    return new IllegalArgumentException(
        where + ": cannot describe type " + type.getType().getTypeName() + " as JSON Schema");
  }

  private static JsonArray enumNames(Class<?> type) {
    JsonArrayBuilder names = Json.createArrayBuilder();
    for (Object constant : type.getEnumConstants()) {
      names.add(((Enum<?>) constant).name()); // what Yasson writes and reads
    }
    return names.build();
  }

  /** The member name JSON-B uses: the component's, unless {@code @JsonbProperty} renames it. */
  private static String jsonName(RecordComponent c) {
    JsonbProperty property = c.getAccessor().getAnnotation(JsonbProperty.class);
    if (property == null) {
      try {
        property =
            c.getDeclaringRecord().getDeclaredField(c.getName()).getAnnotation(JsonbProperty.class);
      } catch (NoSuchFieldException e) {
        property = null;
      }
    }
    return property != null && !property.value().isEmpty() ? property.value() : c.getName();
  }

  /**
   * What the canonical constructor makes of a config that omits every field: the defaults it fills
   * in. None when it refuses nulls.
   */
  private static Map<String, Object> defaults(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] nulls = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      nulls[i] = zero(types[i]);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      Object empty = canonical.newInstance(nulls);
      for (RecordComponent c : components) {
        if (!c.getType().isPrimitive()) {
          Method accessor = c.getAccessor();
          accessor.setAccessible(true);
          Object value = accessor.invoke(empty);
          if (value != null) {
            out.put(c.getName(), value);
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Map.of(); // a constructor that needs values: no defaults to show
    }
    return out;
  }

  private static Object zero(Class<?> type) {
    if (!type.isPrimitive()) {
      return null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == char.class) {
      return '\0';
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == double.class) {
      return 0d;
    }
    if (type == float.class) {
      return 0f;
    }
    if (type == short.class) {
      return (short) 0;
    }
    if (type == byte.class) {
      return (byte) 0;
    }
    return 0;
  }

  /** A default as JSON, or null when it is not plain data (a record, say). */
  private static JsonValue json(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return Json.createValue(s);
    }
    if (value instanceof Boolean b) {
      return b ? JsonValue.TRUE : JsonValue.FALSE;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return Json.createValue(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      return Json.createValue(((Number) value).doubleValue());
    }
    if (value instanceof BigDecimal || value instanceof BigInteger) {
      return number(new BigDecimal(value.toString()));
    }
    if (value instanceof Enum<?> e) {
      return Json.createValue(e.name());
    }
    if (value instanceof Collection<?> items) {
      JsonArrayBuilder array = Json.createArrayBuilder();
      for (Object item : items) {
        JsonValue v = json(item);
        if (v == null) {
          return null;
        }
        array.add(v);
      }
      return array.build();
    }
    return null;
  }

  /** {@code apiKeyQueryParam} → {@code Api key query param}. */
  static String title(String name) {
    String[] words = name.split("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");
    StringBuilder out = new StringBuilder();
    for (String word : words) {
      if (out.length() > 0) {
        out.append(' ').append(word.toLowerCase(Locale.ROOT));
      } else {
        out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
      }
    }
    return out.toString();
  }

  /** {@code ClientAuthPolicyConfig.ExternalJwt} for a nested record. */
  private static String defName(Class<?> type) {
    String name = type.getName();
    return name.substring(name.lastIndexOf('.') + 1).replace('$', '.');
  }

  private static JsonObject object(Map<String, JsonValue> members) {
    JsonObjectBuilder builder = Json.createObjectBuilder();
    members.forEach(builder::add);
    return builder.build();
  }
}
