package io.meshgate.istio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A CRD bundle's {@code openAPIV3Schema}s applied to whole documents the way an API server applies
 * them on create: schema {@code default}s first, then the structural schema (strictly: an unknown
 * field is an error, as {@code kubectl --validate=strict} reports it), then every {@code
 * x-kubernetes-validations} CEL rule at the node that carries it.
 *
 * <p>The schema is translated to JSON Schema draft 4 (the dialect OpenAPI 3.0 schemas derive from),
 * explicit about every keyword the bundles use and failing on any other, so a new CRD feature
 * cannot be skipped unnoticed:
 *
 * <ul>
 *   <li>objects with {@code properties} and no {@code additionalProperties} get {@code
 *       additionalProperties: false} (strict field validation), except where {@code
 *       x-kubernetes-preserve-unknown-fields} allows anything;
 *   <li>{@code nullable: true} adds {@code "null"} to the allowed types;
 *   <li>{@code x-kubernetes-int-or-string} fields already carry {@code anyOf: [integer, string]} in
 *       the bundle; one without it gets that {@code anyOf};
 *   <li>{@code x-kubernetes-list-type: set} becomes {@code uniqueItems};
 *   <li>{@code oneOf}/{@code anyOf}/{@code not} with {@code required} (Istio's "at most one of
 *       these fields") are standard JSON Schema and kept as they are;
 *   <li>the root gets what the API server adds to every CRD schema: {@code apiVersion}, {@code
 *       kind} and {@code metadata} (limited to the fields a shipped manifest sets).
 * </ul>
 *
 * <p>CEL rules run with Google's CEL for Java plus {@link KubernetesCelLibrary}; {@code self} is
 * declared with a type derived from the node's schema (objects as {@code map(string, dyn)}, arrays
 * as lists of their items' type, scalars as themselves, int-or-string and preserved fields as
 * {@code dyn}) and property names are escaped as Kubernetes escapes them ({@code namespace} is
 * {@code __namespace__}). A rule that does not compile fails the calling test with an {@link
 * AssertionError} naming the rule: a rule is never skipped silently.
 *
 * <p>Not checked: {@code x-kubernetes-list-type: map} key uniqueness, CEL cost limits, the {@code
 * reason} of a rule (only its message is reported), and {@code format: date-time} strings stay
 * strings in CEL where Kubernetes would make them timestamps (no rule of the bundles reads one).
 * Messages are {@code <path>: <message>}, the path in the {@code $.spec.rules[0]} form of the
 * schema validator's messages.
 */
final class CrdSchemas {
  /** Istio's CRD bundle in the shared folder. */
  static final String ISTIO = "istio/crd-all.gen.yaml";

  /** The Kubernetes Gateway API's standard channel CRDs in the shared folder. */
  static final String GATEWAY_API = "gateway-api/standard-crds-v1.6.1.yaml";

  /** What each bundle is, for the message when it is missing (see the shared folder's READMEs). */
  private static final Map<String, String> BUNDLES =
      Map.of(
          ISTIO,
          "Istio's CRD bundle (crd-all.gen.yaml of an Istio release, manifests/charts/base/files)",
          GATEWAY_API,
          "the Kubernetes Gateway API's standard CRDs, release v1.6.1"
              + " (config/crd/standard/*.yaml of kubernetes-sigs/gateway-api, concatenated)");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Path, CrdSchemas> LOADED = new HashMap<>();

  /** Keywords copied unchanged: their JSON Schema draft 4 meaning is the OpenAPI one. */
  private static final Set<String> PLAIN_KEYWORDS =
      Set.of(
          "type",
          "format",
          "description",
          "title",
          "default",
          "enum",
          "required",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "multipleOf",
          "minLength",
          "maxLength",
          "pattern",
          "minItems",
          "maxItems",
          "uniqueItems",
          "minProperties",
          "maxProperties");

  /** The fields of one {@code x-kubernetes-validations} entry that Kubernetes defines. */
  private static final Set<String> RULE_FIELDS =
      Set.of("rule", "message", "messageExpression", "reason", "fieldPath", "optionalOldSelf");

  /** CEL keywords that Kubernetes escapes as {@code __keyword__} in property names. */
  private static final Set<String> CEL_RESERVED =
      Set.of(
          "true",
          "false",
          "null",
          "in",
          "as",
          "break",
          "const",
          "continue",
          "else",
          "for",
          "function",
          "if",
          "import",
          "let",
          "loop",
          "package",
          "namespace",
          "return",
          "var",
          "void",
          "while");

  private static final Pattern ACCESSIBLE_PROPERTY =
      Pattern.compile("^[a-zA-Z_.\\-/][a-zA-Z0-9_.\\-/]*$");
  private static final Pattern PLAIN_KEY = Pattern.compile("^[A-Za-z_][A-Za-z0-9_-]*$");

  private static final String OBJECT_META =
      """
      {"type": "object", "additionalProperties": false, "required": ["name"],
       "properties": {
         "name": {"type": "string", "minLength": 1, "maxLength": 253,
                  "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
         "namespace": {"type": "string", "maxLength": 63,
                       "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
         "labels": {"type": "object", "additionalProperties": {"type": "string"}},
         "annotations": {"type": "object", "additionalProperties": {"type": "string"}}}}
      """;

  private final String source;
  private final Map<String, Map<String, Object>> crdByGroupKind;
  private final Map<String, Kind> compiled = new HashMap<>();
  private final Map<List<CelType>, Cel> environments = new HashMap<>();
  private final JsonSchemaFactory factory;

  /** One served version of a CRD, ready to check documents. */
  private record Kind(
      JsonSchema schema, Map<String, Object> openApi, Map<Object, List<Rule>> rulesByNode) {}

  /**
   * One compiled {@code x-kubernetes-validations} entry.
   *
   * @param transition the rule reads {@code oldSelf}
   */
  private record Rule(
      String at,
      String text,
      String message,
      CelRuntime.Program program,
      Optional<CelRuntime.Program> messageExpression,
      boolean transition,
      boolean optionalOldSelf,
      String fieldPath) {}

  private CrdSchemas(String source, Map<String, Map<String, Object>> crdByGroupKind) {
    this.source = source;
    this.crdByGroupKind = crdByGroupKind;
    // Draft 4 with every keyword known: a keyword the translation let through by mistake
    // makes schema loading fail instead of being ignored as an annotation.
    JsonMetaSchema strictV4 =
        JsonMetaSchema.builder(JsonMetaSchema.getV4())
            .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
            .build();
    this.factory =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b.metaSchema(strictV4));
  }

  /**
   * The schemas of the bundle at {@code relative} in the shared folder ({@link #ISTIO} or {@link
   * #GATEWAY_API}); without it the calling test is skipped (failed under {@code CI=true}), see
   * {@link SharedFolder}.
   */
  static synchronized CrdSchemas load(String relative) {
    String what = BUNDLES.get(relative);
    if (what == null) {
      throw new IllegalArgumentException(
          "unknown CRD bundle " + relative + "; the shared folder holds " + BUNDLES.keySet());
    }
    Path bundle = SharedFolder.require(relative, what);
    return LOADED.computeIfAbsent(bundle, b -> of(b.toString(), Yamls.loadAll(read(b))));
  }

  /**
   * The schemas of the CRDs among {@code docs}; {@code source} names them in messages. Tests of the
   * validator itself use it with small inline CRDs.
   */
  static CrdSchemas of(String source, List<Map<String, Object>> docs) {
    Map<String, Map<String, Object>> byGroupKind = new HashMap<>();
    for (Map<String, Object> doc : docs) {
      if ("CustomResourceDefinition".equals(doc.get("kind"))) {
        byGroupKind.put(str(doc, "spec.group") + "/" + str(doc, "spec.names.kind"), doc);
      }
    }
    if (byGroupKind.isEmpty()) {
      throw new AssertionError("no CustomResourceDefinition in " + source);
    }
    return new CrdSchemas(source, byGroupKind);
  }

  /**
   * The validation messages for one document as an API server would give them on create; empty when
   * it is valid. Schema defaults are applied first (to a copy), so the checks see them.
   */
  synchronized List<String> validate(Map<String, Object> doc) {
    return check(withDefaults(doc));
  }

  /**
   * The same checks on the document as written, without defaults: only for showing what a default
   * changes; an API server never validates an undefaulted object.
   */
  synchronized List<String> validateWithoutDefaults(Map<String, Object> doc) {
    return check(deepCopy(doc));
  }

  /**
   * A deep copy of {@code doc} with the schema's defaults applied as the API server applies them to
   * structural schemas: an absent property (or a {@code null} one that is not nullable) gets its
   * default, recursively into objects, array items and {@code additionalProperties} maps, and into
   * the defaults themselves; an absent parent object is not created for its children's defaults. A
   * {@code null} in a non-nullable field without default is dropped, as the server prunes it.
   */
  synchronized Map<String, Object> withDefaults(Map<String, Object> doc) {
    Kind kind = kind(doc);
    Map<String, Object> copy = deepCopy(doc);
    applyDefaults(copy, kind.openApi());
    return copy;
  }

  /**
   * Compiles every CEL rule of every served version in the bundle and returns how many there are;
   * fails on the first that does not compile.
   */
  synchronized int compileEveryRule() {
    int rules = 0;
    for (Map<String, Object> crd : crdByGroupKind.values()) {
      for (Map<String, Object> version : list(crd, "spec.versions")) {
        if (Boolean.TRUE.equals(version.get("served"))) {
          String apiVersion = str(crd, "spec.group") + "/" + version.get("name");
          Kind kind = kind(apiVersion, str(crd, "spec.names.kind"));
          rules += kind.rulesByNode().values().stream().mapToInt(List::size).sum();
        }
      }
    }
    return rules;
  }

  // ---------------------------------------------------------------------- checking

  private List<String> check(Map<String, Object> doc) {
    Kind kind = kind(doc);
    List<String> messages = new ArrayList<>();
    for (ValidationMessage m : kind.schema().validate(JSON.valueToTree(doc))) {
      messages.add(m.getMessage()); // "<JSON path>: <what is wrong>"
    }
    evaluateRules(doc, kind.openApi(), "$", kind, messages);
    messages.sort(null);
    return messages;
  }

  private Kind kind(Map<String, Object> doc) {
    if (!(doc.get("apiVersion") instanceof String apiVersion)
        || !(doc.get("kind") instanceof String kind)) {
      throw new AssertionError("a document without apiVersion or kind: " + doc);
    }
    return kind(apiVersion, kind);
  }

  private Kind kind(String apiVersion, String kind) {
    return compiled.computeIfAbsent(apiVersion + "/" + kind, k -> compile(apiVersion, kind));
  }

  @SuppressWarnings("unchecked")
  private void evaluateRules(
      Object value, Map<String, Object> schema, String path, Kind kind, List<String> out) {
    if (value == null || !hasSchemaType(value, schema)) {
      return; // nothing to see, or a type error the schema validation reports
    }
    List<Rule> rules = kind.rulesByNode().getOrDefault(schema, List.of());
    if (!rules.isEmpty()) {
      Object self = toCel(value, schema);
      for (Rule rule : rules) {
        evaluate(rule, self, path, out);
      }
    }
    if (value instanceof Map<?, ?> object) {
      Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
      Object additional = schema.get("additionalProperties");
      for (Map.Entry<?, ?> e : object.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object sub =
            properties != null && properties.containsKey(key)
                ? properties.get(key)
                : additional instanceof Map<?, ?> ? additional : null;
        if (sub != null) {
          evaluateRules(e.getValue(), (Map<String, Object>) sub, child(path, key), kind, out);
        }
      }
    } else if (value instanceof List<?> items
        && schema.get("items") instanceof Map<?, ?> itemSchema) {
      for (int i = 0; i < items.size(); i++) {
        evaluateRules(
            items.get(i), (Map<String, Object>) itemSchema, path + "[" + i + "]", kind, out);
      }
    }
  }

  private static void evaluate(Rule rule, Object self, String path, List<String> out) {
    if (rule.transition() && !rule.optionalOldSelf()) {
      // A transition rule compares with the stored object: the API server runs it on update only,
      // and this validator only ever sees a create.
      return;
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put("self", self);
    // On create there is no old object: with optionalOldSelf the rule runs and sees none.
    variables.put("oldSelf", Optional.empty());
    Object result;
    try {
      result = rule.program().eval(variables);
    } catch (CelEvaluationException e) {
      out.add(path + ": rule `" + rule.text() + "` cannot be evaluated: " + e.getMessage());
      return;
    }
    if (Boolean.TRUE.equals(result)) {
      return;
    }
    if (!(result instanceof Boolean)) {
      out.add(path + ": rule `" + rule.text() + "` evaluated to " + result + ", not a bool");
      return;
    }
    out.add(path + rule.fieldPath() + ": " + message(rule, variables));
  }

  /**
   * Kubernetes' choice of message: a {@code messageExpression} that yields a non-blank one-line
   * string, else {@code message}, else "failed rule: {rule}".
   */
  private static String message(Rule rule, Map<String, Object> variables) {
    if (rule.messageExpression().isPresent()) {
      try {
        Object text = rule.messageExpression().get().eval(variables);
        if (text instanceof String s && !s.isBlank() && !s.contains("\n")) {
          return s;
        }
      } catch (CelEvaluationException e) {
        // The API server logs this and falls back to the static message, as done below.
      }
    }
    return rule.message() != null ? rule.message() : "failed rule: " + rule.text();
  }

  private static boolean hasSchemaType(Object value, Map<String, Object> schema) {
    if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
      return value instanceof String || isInteger(value);
    }
    return switch (String.valueOf(schema.get("type"))) {
      case "object" -> value instanceof Map;
      case "array" -> value instanceof List;
      case "string" -> value instanceof String;
      case "integer" -> isInteger(value);
      case "number" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      default -> true;
    };
  }

  private static boolean isInteger(Object value) {
    return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
  }

  // ---------------------------------------------------------------------- defaults

  @SuppressWarnings("unchecked")
  private static void applyDefaults(Object value, Map<String, Object> schema) {
    if (value instanceof Map<?, ?> raw) {
      Map<String, Object> object = (Map<String, Object>) raw;
      Map<String, Object> properties =
          (Map<String, Object>) schema.getOrDefault("properties", Map.of());
      for (Map.Entry<String, Object> p : properties.entrySet()) {
        Map<String, Object> prop = (Map<String, Object>) p.getValue();
        String name = p.getKey();
        boolean nonNullableNull =
            object.containsKey(name)
                && object.get(name) == null
                && !Boolean.TRUE.equals(prop.get("nullable"));
        if (!object.containsKey(name) || nonNullableNull) {
          if (prop.containsKey("default")) {
            object.put(name, deepCopy(prop.get("default")));
          } else if (nonNullableNull) {
            object.remove(name);
          }
        }
      }
      Object additional = schema.get("additionalProperties");
      for (Map.Entry<String, Object> e : object.entrySet()) {
        Object sub = properties.containsKey(e.getKey()) ? properties.get(e.getKey()) : additional;
        if (sub instanceof Map<?, ?> subSchema) {
          applyDefaults(e.getValue(), (Map<String, Object>) subSchema);
        }
      }
    } else if (value instanceof List<?> items
        && schema.get("items") instanceof Map<?, ?> itemSchema) {
      for (Object item : items) {
        applyDefaults(item, (Map<String, Object>) itemSchema);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T deepCopy(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
      return (T) copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(deepCopy(v)));
      return (T) copy;
    }
    return value;
  }

  // --------------------------------------------------------------------- CEL values

  /**
   * A document node as Kubernetes hands it to CEL: integers as {@code int} (Java long), {@code
   * number}s as {@code double}, {@code null} as CEL null, and properties under their escaped names.
   */
  @SuppressWarnings("unchecked")
  private static Object toCel(Object value, Map<String, Object> schema) {
    if (value == null) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof Map<?, ?> object) {
      Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
      Object additional = schema.get("additionalProperties");
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : object.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (properties != null && properties.containsKey(key)) {
          String escaped = escape(key);
          if (escaped != null) {
            out.put(escaped, toCel(e.getValue(), (Map<String, Object>) properties.get(key)));
          }
        } else {
          Map<String, Object> sub =
              additional instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
          out.put(key, toCel(e.getValue(), sub));
        }
      }
      return out;
    }
    if (value instanceof List<?> items) {
      Map<String, Object> itemSchema =
          schema.get("items") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      return items.stream().map(item -> toCel(item, itemSchema)).toList();
    }
    if (value instanceof Number n && !(value instanceof Double || value instanceof Float)) {
      return "number".equals(schema.get("type"))
          ? (Object) n.doubleValue()
          : (Object) n.longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return value;
  }

  /** Kubernetes' escaping of a property name for CEL, or {@code null} when CEL cannot reach it. */
  static String escape(String name) {
    if (CEL_RESERVED.contains(name)) {
      return "__" + name + "__";
    }
    if (!ACCESSIBLE_PROPERTY.matcher(name).matches()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (name.startsWith("__", i)) {
        out.append("__underscores__");
        i++;
      } else if (c == '.') {
        out.append("__dot__");
      } else if (c == '-') {
        out.append("__dash__");
      } else if (c == '/') {
        out.append("__slash__");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The CEL type Kubernetes would declare for a value of this schema (see the class Javadoc). */
  @SuppressWarnings("unchecked")
  private static CelType celType(Map<String, Object> schema) {
    if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))
        || Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
      return SimpleType.DYN;
    }
    return switch (String.valueOf(schema.get("type"))) {
      case "object" ->
          !schema.containsKey("properties")
                  && schema.get("additionalProperties") instanceof Map<?, ?> values
              ? MapType.create(SimpleType.STRING, celType((Map<String, Object>) values))
              : MapType.create(SimpleType.STRING, SimpleType.DYN);
      case "array" ->
          schema.get("items") instanceof Map<?, ?> items
              ? ListType.create(celType((Map<String, Object>) items))
              : ListType.create(SimpleType.DYN);
      case "string" ->
          "date-time".equals(schema.get("format")) ? SimpleType.DYN : SimpleType.STRING;
      case "integer" -> SimpleType.INT;
      case "number" -> SimpleType.DOUBLE;
      case "boolean" -> SimpleType.BOOL;
      default -> SimpleType.DYN;
    };
  }

  // ------------------------------------------------------------------- compilation

  private Kind compile(String apiVersion, String kind) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    Map<String, Object> crd = crdByGroupKind.get(group + "/" + kind);
    if (crd == null) {
      throw new AssertionError("no CRD for " + group + " " + kind + " in " + source);
    }
    Map<String, Object> versionEntry =
        list(crd, "spec.versions").stream()
            .filter(v -> version.equals(v.get("name")))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "the "
                            + kind
                            + " CRD defines no version "
                            + version
                            + " ("
                            + apiVersion
                            + ")"));
    if (!Boolean.TRUE.equals(versionEntry.get("served"))) {
      throw new AssertionError(apiVersion + " " + kind + " is not served by the CRD");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> openApi =
        (Map<String, Object>)
            ((Map<String, Object>) versionEntry.get("schema")).get("openAPIV3Schema");

    ObjectNode root = translate(openApi, "$");
    ObjectNode properties = (ObjectNode) root.get("properties");
    properties.putObject("apiVersion").put("type", "string").putArray("enum").add(apiVersion);
    properties.putObject("kind").put("type", "string").putArray("enum").add(kind);
    try {
      properties.set("metadata", JSON.readTree(OBJECT_META));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ArrayNode required =
        root.has("required") ? (ArrayNode) root.get("required") : root.putArray("required");
    required.add("apiVersion").add("kind").add("metadata");
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().typeLoose(false).formatAssertionsEnabled(true).build();

    Map<Object, List<Rule>> rules = new IdentityHashMap<>();
    collectRules(openApi, apiVersion + " " + kind + " $", rules);
    return new Kind(factory.getSchema(root, config), openApi, rules);
  }

  /** Compiles the rules of the structural part of a schema: properties, items, map values. */
  @SuppressWarnings("unchecked")
  private void collectRules(Map<String, Object> schema, String at, Map<Object, List<Rule>> out) {
    if (schema.get("x-kubernetes-validations") instanceof List<?> entries) {
      List<Rule> rules = new ArrayList<>();
      for (Object entry : entries) {
        rules.add(compileRule((Map<String, Object>) entry, schema, at));
      }
      out.put(schema, rules);
    }
    if (schema.get("properties") instanceof Map<?, ?> properties) {
      properties.forEach(
          (name, sub) -> collectRules((Map<String, Object>) sub, at + "." + name, out));
    }
    if (schema.get("items") instanceof Map<?, ?> items) {
      collectRules((Map<String, Object>) items, at + "[*]", out);
    }
    if (schema.get("additionalProperties") instanceof Map<?, ?> values) {
      collectRules((Map<String, Object>) values, at + ".*", out);
    }
    for (String junctor : List.of("allOf", "anyOf", "oneOf", "not")) {
      if (schema.containsKey(junctor)
          && String.valueOf(schema.get(junctor)).contains("x-kubernetes-validations")) {
        // Kubernetes forbids rules there; one would go unevaluated here, so refuse it.
        throw new AssertionError("a CEL rule inside " + junctor + " at " + at + " in " + source);
      }
    }
  }

  private Rule compileRule(Map<String, Object> entry, Map<String, Object> schema, String at) {
    for (String field : entry.keySet()) {
      if (!RULE_FIELDS.contains(field)) {
        throw new AssertionError(
            "x-kubernetes-validations field `" + field + "` at " + at + " is not understood");
      }
    }
    String text = String.valueOf(entry.get("rule"));
    boolean optionalOldSelf = Boolean.TRUE.equals(entry.get("optionalOldSelf"));
    CelType self = celType(schema);
    Cel cel = environment(self, optionalOldSelf ? OptionalType.create(self) : self);
    CelAbstractSyntaxTree ast = compileExpression(cel, text, at, "rule");
    if (!ast.getResultType().equals(SimpleType.BOOL)
        && !ast.getResultType().equals(SimpleType.DYN)) {
      throw new AssertionError(
          "the CEL rule at " + at + " yields " + ast.getResultType() + ", not bool: " + text);
    }
    Optional<CelRuntime.Program> messageExpression = Optional.empty();
    if (entry.get("messageExpression") instanceof String expression) {
      CelAbstractSyntaxTree messageAst =
          compileExpression(cel, expression, at, "messageExpression");
      if (!messageAst.getResultType().equals(SimpleType.STRING)
          && !messageAst.getResultType().equals(SimpleType.DYN)) {
        throw new AssertionError(
            "the messageExpression at "
                + at
                + " yields "
                + messageAst.getResultType()
                + ", not string");
      }
      messageExpression = Optional.of(program(cel, messageAst, at));
    }
    String fieldPath = entry.get("fieldPath") instanceof String f ? f : "";
    return new Rule(
        at,
        text,
        entry.get("message") instanceof String m ? m : null,
        program(cel, ast, at),
        messageExpression,
        readsOldSelf(ast),
        optionalOldSelf,
        fieldPath.isEmpty() || fieldPath.startsWith(".") || fieldPath.startsWith("[")
            ? fieldPath
            : "." + fieldPath);
  }

  private CelAbstractSyntaxTree compileExpression(Cel cel, String text, String at, String what) {
    try {
      return cel.compile(text).getAst();
    } catch (CelValidationException e) {
      throw new AssertionError(
          "the CEL "
              + what
              + " at "
              + at
              + " in "
              + source
              + " does not compile: "
              + text
              + "\n"
              + e.getMessage(),
          e);
    }
  }

  private static CelRuntime.Program program(Cel cel, CelAbstractSyntaxTree ast, String at) {
    try {
      return cel.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new AssertionError("the CEL rule at " + at + " cannot be planned", e);
    }
  }

  private static boolean readsOldSelf(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .anyMatch(
            node ->
                node.expr().getKind() == CelExpr.ExprKind.Kind.IDENT
                    && "oldSelf".equals(node.expr().ident().name()));
  }

  /**
   * Kubernetes' CEL environment for one declared type of {@code self}: the standard library and
   * macros, cross-type numeric comparisons, optionals, the strings extension and {@link
   * KubernetesCelLibrary}.
   */
  private Cel environment(CelType self, CelType oldSelf) {
    return environments.computeIfAbsent(
        List.of(self, oldSelf),
        types ->
            CelFactory.standardCelBuilder()
                .setOptions(
                    CelOptions.current()
                        .enableOptionalSyntax(true)
                        .enableHeterogeneousNumericComparisons(true)
                        .build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(CelExtensions.strings(), CelExtensions.optional())
                .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.optional())
                .addFunctionDeclarations(KubernetesCelLibrary.declarations())
                .addFunctionBindings(KubernetesCelLibrary.bindings())
                .addVar("self", self)
                .addVar("oldSelf", oldSelf)
                .build());
  }

  /** One OpenAPI v3 structural schema node (and its children) to JSON Schema draft 4. */
  @SuppressWarnings("unchecked")
  private static ObjectNode translate(Map<String, Object> node, String at) {
    ObjectNode out = JSON.createObjectNode();
    boolean preserveUnknown = false;
    boolean intOrString = false;
    boolean nullable = false;
    for (Map.Entry<String, Object> e : node.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      switch (key) {
        case "properties" -> {
          ObjectNode properties = out.putObject("properties");
          ((Map<String, Object>) value)
              .forEach(
                  (name, sub) ->
                      properties.set(name, translate((Map<String, Object>) sub, at + "." + name)));
        }
        case "additionalProperties" ->
            out.set(
                key,
                value instanceof Map<?, ?> sub
                    ? translate((Map<String, Object>) sub, at + ".*")
                    : JSON.valueToTree(value));
        case "items" -> out.set(key, translate((Map<String, Object>) value, at + "[]"));
        case "allOf", "anyOf", "oneOf" -> {
          ArrayNode alternatives = out.putArray(key);
          for (Object sub : (List<Object>) value) {
            alternatives.add(translate((Map<String, Object>) sub, at + "/" + key));
          }
        }
        case "not" -> out.set(key, translate((Map<String, Object>) value, at + "/not"));
        case "nullable" -> nullable = Boolean.TRUE.equals(value);
        case "x-kubernetes-preserve-unknown-fields" -> preserveUnknown = Boolean.TRUE.equals(value);
        case "x-kubernetes-int-or-string" -> intOrString = Boolean.TRUE.equals(value);
        case "x-kubernetes-list-type" -> {
          if ("set".equals(value)) {
            out.put("uniqueItems", true);
          }
          // "atomic" and "map" only steer server-side apply merging; a map list's key
          // uniqueness is not expressible in draft 4 and is left unchecked.
        }
        case "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations" -> {
          // Merge hints, and CEL rules (evaluated separately, see evaluateRules).
        }
        default -> {
          if (!PLAIN_KEYWORDS.contains(key)) {
            throw new AssertionError(
                "CRD schema keyword `" + key + "` at " + at + " is not understood by this test");
          }
          out.set(key, JSON.valueToTree(value));
        }
      }
    }
    if (out.has("properties") && !out.has("additionalProperties") && !preserveUnknown) {
      out.put("additionalProperties", false);
    }
    if (intOrString && !out.has("type") && !out.has("anyOf")) {
      out.putArray("anyOf")
          .add(JSON.createObjectNode().put("type", "integer"))
          .add(JSON.createObjectNode().put("type", "string"));
    }
    if (nullable) {
      if (out.get("type") != null && out.get("type").isTextual()) {
        String type = out.get("type").asText();
        out.putArray("type").add(type).add("null");
      }
      if (out.get("anyOf") instanceof ArrayNode anyOf) {
        anyOf.add(JSON.createObjectNode().put("type", "null"));
      }
      if (out.get("enum") instanceof ArrayNode values) {
        values.addNull();
      }
    }
    return out;
  }

  // ----------------------------------------------------------------------- access

  private static String child(String path, String key) {
    return PLAIN_KEY.matcher(key).matches() ? path + "." + key : path + "['" + key + "']";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  private static Object at(Map<String, Object> doc, String path) {
    Object current = doc;
    for (String key : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  private static String str(Map<String, Object> doc, String path) {
    Object value = at(doc, path);
    return value == null ? "" : value.toString();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> doc, String path) {
    return at(doc, path) instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }
}
