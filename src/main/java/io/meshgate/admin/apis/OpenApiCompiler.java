package io.meshgate.admin.apis;

import io.meshgate.chain.PolicyConfigReader;
import io.meshgate.limit.LimitSpec;
import io.meshgate.policy.accesslist.AccessListPolicyFactory;
import io.meshgate.policy.clientauth.ClientAuthPolicyConfig;
import io.meshgate.policy.clientauth.ClientAuthPolicyFactory;
import io.meshgate.policy.ratelimit.RateLimitPolicyConfig;
import io.meshgate.policy.ratelimit.RateLimitPolicyFactory;
import io.meshgate.policy.scope.ScopePolicyConfig;
import io.meshgate.policy.scope.ScopePolicyFactory;
import io.meshgate.policy.subscription.SubscriptionPolicyFactory;
import io.meshgate.policy.token.TokenPolicyFactory;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles the OpenAPI 3.1 document of one API from what the catalog knows about it: the developer
 * portal's documentation. The catalog holds no description of the upstream, so the document says
 * what the gateway itself decides:
 *
 * <ul>
 *   <li>{@code servers}: the gateway's public URL and the API's base path;
 *   <li>{@code paths}: {@code /{path}} with {@code x-meshgate-any-path: true} (every path below the
 *       base path is forwarded), plus each operation path the {@code rate-limit} and {@code scope}
 *       steps name, with their own limits and scopes; every path has every method the gateway
 *       forwards;
 *   <li>{@code components.securitySchemes}: the credentials the {@code client-auth} step accepts;
 *   <li>the answers the gateway itself gives (problem+json with the error keys of the API's steps
 *       and of the gateway) and the response headers it adds ({@code RateLimit-*}).
 * </ul>
 *
 * The same API, plans and base URL always give the same text: member order is fixed, paths sort.
 */
public final class OpenApiCompiler {
  /** What the gateway forwards; others get 405 before any policy (DataPlaneFilter.METHODS). */
  static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /** The path that stands for any path below the base path. */
  static final String ANY_PATH = "/{path}";

  static final String ANY_PATH_EXTENSION = "x-meshgate-any-path";
  static final String PROBLEM = "application/problem+json";
  static final String TOKEN_PATH = "/oauth2/token";

  /** A plan that makes the API available, with the scopes it grants. */
  public record Plan(String product, String name, List<String> scopes) {
    public Plan {
      scopes = List.copyOf(scopes);
    }
  }

  /**
   * An answer the gateway gives instead of the upstream's.
   *
   * @param policy the policy id whose step causes it, or null for the gateway itself
   */
  record ErrorAnswer(int status, String errorKey, String policy) {}

  /** The error keys of the README's "Policies and error keys", in its order. */
  static final List<ErrorAnswer> ERRORS =
      List.of(
          new ErrorAnswer(403, "ACCESS_DENIED", AccessListPolicyFactory.ID),
          new ErrorAnswer(401, "CLIENT_AUTH_MISSING", ClientAuthPolicyFactory.ID),
          new ErrorAnswer(401, "CLIENT_AUTH_INVALID", ClientAuthPolicyFactory.ID),
          new ErrorAnswer(403, "CLIENT_AUTH_APP_SUSPENDED", ClientAuthPolicyFactory.ID),
          new ErrorAnswer(403, "SUBSCRIPTION_REQUIRED", SubscriptionPolicyFactory.ID),
          new ErrorAnswer(403, "SUBSCRIPTION_PENDING", SubscriptionPolicyFactory.ID),
          new ErrorAnswer(403, "SUBSCRIPTION_SUSPENDED", SubscriptionPolicyFactory.ID),
          new ErrorAnswer(403, "SCOPE_INSUFFICIENT", ScopePolicyFactory.ID),
          new ErrorAnswer(429, "RATE_LIMIT_EXCEEDED", RateLimitPolicyFactory.ID),
          new ErrorAnswer(429, "QUOTA_EXCEEDED", RateLimitPolicyFactory.ID),
          new ErrorAnswer(503, "LIMITER_UNAVAILABLE", RateLimitPolicyFactory.ID),
          new ErrorAnswer(403, "RATE_LIMIT_SUBSCRIPTION_REQUIRED", RateLimitPolicyFactory.ID),
          new ErrorAnswer(503, "TOKEN_SIGNING_UNAVAILABLE", TokenPolicyFactory.ID),
          new ErrorAnswer(403, "TOKEN_SUBSCRIPTION_REQUIRED", TokenPolicyFactory.ID),
          new ErrorAnswer(400, "INVALID_PATH", null),
          new ErrorAnswer(400, "REQUEST_FRAMING_INVALID", null),
          new ErrorAnswer(400, "REQUEST_HEADER_INVALID", null),
          new ErrorAnswer(400, "REQUEST_BODY_MALFORMED", null),
          new ErrorAnswer(413, "REQUEST_TOO_LARGE", null),
          new ErrorAnswer(431, "REQUEST_HEADERS_TOO_LARGE", null),
          new ErrorAnswer(502, "UPSTREAM_UNAVAILABLE", null),
          new ErrorAnswer(504, "UPSTREAM_TIMEOUT", null),
          new ErrorAnswer(502, "UPSTREAM_TLS_UNTRUSTED", null),
          new ErrorAnswer(502, "UPSTREAM_TLS_HOSTNAME_MISMATCH", null),
          new ErrorAnswer(502, "UPSTREAM_TLS_FAILED", null),
          new ErrorAnswer(502, "API_MISCONFIGURED", null),
          new ErrorAnswer(503, "CATALOG_UNAVAILABLE", null),
          new ErrorAnswer(500, "INTERNAL_ERROR", null));

  private static final Map<Integer, String> RESPONSE_NAMES =
      Map.of(
          400, "BadRequest",
          401, "Unauthorized",
          403, "Forbidden",
          413, "ContentTooLarge",
          429, "TooManyRequests",
          431, "RequestHeaderFieldsTooLarge",
          500, "InternalServerError",
          502, "BadGateway",
          503, "ServiceUnavailable",
          504, "GatewayTimeout");

  // Security scheme names in components.securitySchemes.
  static final String API_KEY = "apiKey";
  static final String API_KEY_QUERY = "apiKeyQuery";
  static final String CLIENT_ID = "clientId";
  static final String CLIENT_SECRET = "clientSecret";
  static final String CLIENT_BASIC = "clientBasic";
  static final String OAUTH2 = "oauth2";
  static final String IDP_BEARER = "idpBearer";
  static final String MUTUAL_TLS = "mutualTLS";

  private static final String RATE_LIMIT_LIMIT = "RateLimit-Limit";
  private static final String RATE_LIMIT_REMAINING = "RateLimit-Remaining";
  private static final String RATE_LIMIT_RESET = "RateLimit-Reset";
  private static final String LEGACY_PREFIX = "X-";
  private static final String RETRY_AFTER = "Retry-After";
  private static final String WWW_AUTHENTICATE = "WWW-Authenticate";

  private final PolicyConfigReader configs;

  /**
   * @param configs reads the steps' configs, with their defaults (stored configs were validated
   *     when they were written)
   */
  public OpenApiCompiler(PolicyConfigReader configs) {
    this.configs = configs;
  }

  /**
   * @param api the API as the admin API shows it
   * @param plans the plans of the products that bundle it
   * @param baseUrl the gateway's public URL, without a trailing {@code /}
   * @throws io.meshgate.chain.InvalidPolicyConfigException when a stored step config no longer
   *     reads
   */
  public JsonObject compile(ApiView api, List<Plan> plans, String baseUrl) {
    Set<String> policies = new LinkedHashSet<>();
    ClientAuthPolicyConfig auth = null;
    List<RateLimitPolicyConfig> limits = new ArrayList<>();
    List<ScopePolicyConfig> scopes = new ArrayList<>();
    for (ApiView.StepView step : api.steps()) {
      policies.add(step.policy());
      String json = step.config() == null ? "{}" : step.config().toString();
      switch (step.policy()) {
        case ClientAuthPolicyFactory.ID -> {
          if (auth == null) {
            auth = configs.read(json, ClientAuthPolicyConfig.class);
          }
        }
        case RateLimitPolicyFactory.ID ->
            limits.add(configs.read(json, RateLimitPolicyConfig.class));
        case ScopePolicyFactory.ID -> scopes.add(configs.read(json, ScopePolicyConfig.class));
        default -> {
          // no effect on the document beyond its error keys
        }
      }
    }
    boolean limited = policies.contains(RateLimitPolicyFactory.ID);
    boolean legacyHeaders = limits.stream().anyMatch(c -> Boolean.TRUE.equals(c.legacyHeaders()));
    Set<String> needed = new TreeSet<>();
    scopes.forEach(c -> c.operations().forEach(op -> needed.addAll(op.scopes())));
    Security security = security(auth, plans, needed, baseUrl);

    JsonObjectBuilder doc = Json.createObjectBuilder().add("openapi", "3.1.0");
    doc.add("info", info(api, plans));
    String basePath = "/".equals(api.basePath()) ? "" : api.basePath();
    doc.add(
        "servers",
        Json.createArrayBuilder().add(Json.createObjectBuilder().add("url", baseUrl + basePath)));
    doc.add("security", security.requirements(Set.of()));

    Map<Integer, List<String>> errors = errors(policies);
    doc.add("paths", paths(limits, scopes, security, errors.keySet()));

    JsonObjectBuilder components = Json.createObjectBuilder();
    components.add("schemas", Json.createObjectBuilder().add("Problem", problemSchema()));
    components.add("responses", responses(errors, limited, legacyHeaders, policies));
    components.add("headers", headers(limited, legacyHeaders, policies));
    if (!security.schemes().isEmpty()) {
      components.add("securitySchemes", security.schemes());
    }
    doc.add("components", components);
    return doc.build();
  }

  private static JsonObject info(ApiView api, List<Plan> plans) {
    JsonArrayBuilder offered = Json.createArrayBuilder();
    plans.stream()
        .sorted(java.util.Comparator.comparing(Plan::product).thenComparing(Plan::name))
        .forEach(
            p ->
                offered.add(
                    Json.createObjectBuilder()
                        .add("product", p.product())
                        .add("plan", p.name())
                        .add("scopes", strings(new TreeSet<>(p.scopes())))));
    return Json.createObjectBuilder()
        .add("title", api.name())
        .add("version", api.version())
        .add(
            "description",
            "Compiled by meshgate from its catalog. Every path below the base path is forwarded"
                + " to the API's service; the gateway answers by itself only with the errors"
                + " listed here, as application/problem+json with a stable errorKey.")
        .add("x-meshgate-api-id", api.id())
        .add("x-meshgate-revision", api.revision())
        .add("x-meshgate-state", api.state())
        .add("x-meshgate-plans", offered)
        .build();
  }

  /** Security schemes and the alternatives a caller may use, in the order the step lists them. */
  private record Security(JsonObject schemes, List<List<String>> alternatives) {
    /** The requirement list; scoped schemes (OAuth2, IdP tokens) carry {@code scopes}. */
    JsonArray requirements(Set<String> scopes) {
      JsonArrayBuilder out = Json.createArrayBuilder();
      for (List<String> alternative : alternatives) {
        JsonObjectBuilder requirement = Json.createObjectBuilder();
        for (String scheme : alternative) {
          boolean scoped = scheme.equals(OAUTH2) || scheme.equals(IDP_BEARER);
          requirement.add(scheme, strings(scoped ? scopes : Set.of()));
        }
        out.add(requirement);
      }
      return out.build();
    }
  }

  /**
   * @param needed the scopes operations need: listed even when no plan grants them, since the
   *     operations' requirements name them
   */
  private static Security security(
      ClientAuthPolicyConfig auth, List<Plan> plans, Set<String> needed, String baseUrl) {
    JsonObjectBuilder schemes = Json.createObjectBuilder();
    List<List<String>> alternatives = new ArrayList<>();
    if (auth == null) {
      return new Security(schemes.build(), alternatives);
    }
    for (String method : auth.methods()) {
      switch (method) {
        case ClientAuthPolicyConfig.API_KEY -> {
          schemes.add(API_KEY, apiKey("header", auth.apiKeyHeader(), "An API key of your app."));
          alternatives.add(List.of(API_KEY));
          if (auth.apiKeyQueryParam() != null) {
            schemes.add(
                API_KEY_QUERY,
                apiKey("query", auth.apiKeyQueryParam(), "An API key of your app, in the query."));
            alternatives.add(List.of(API_KEY_QUERY));
          }
        }
        case ClientAuthPolicyConfig.CLIENT_SECRET -> {
          schemes.add(CLIENT_ID, apiKey("header", auth.clientIdHeader(), "Your app's client id."));
          schemes.add(
              CLIENT_SECRET,
              apiKey("header", auth.clientSecretHeader(), "Your app's client secret."));
          schemes.add(
              CLIENT_BASIC,
              Json.createObjectBuilder()
                  .add("type", "http")
                  .add("scheme", "basic")
                  .add("description", "Your app's client id and secret as HTTP Basic."));
          alternatives.add(List.of(CLIENT_ID, CLIENT_SECRET));
          alternatives.add(List.of(CLIENT_BASIC));
        }
        case ClientAuthPolicyConfig.OAUTH2 -> {
          Map<String, Set<String>> grantedBy = new TreeMap<>();
          for (Plan plan : plans) {
            for (String scope : plan.scopes()) {
              grantedBy
                  .computeIfAbsent(scope, s -> new TreeSet<>())
                  .add(plan.product() + "/" + plan.name());
            }
          }
          needed.forEach(scope -> grantedBy.putIfAbsent(scope, Set.of()));
          JsonObjectBuilder scopes = Json.createObjectBuilder();
          grantedBy.forEach(
              (scope, by) ->
                  scopes.add(
                      scope,
                      by.isEmpty()
                          ? "Needed by some operations; no plan offering this API grants it"
                          : "Granted by plan " + String.join(", ", by)));
          schemes.add(
              OAUTH2,
              Json.createObjectBuilder()
                  .add("type", "oauth2")
                  .add(
                      "description",
                      "An access token of the gateway, for your app's client id and secret."
                          + " Scopes are those of the plans your app subscribes to.")
                  .add(
                      "flows",
                      Json.createObjectBuilder()
                          .add(
                              "clientCredentials",
                              Json.createObjectBuilder()
                                  .add("tokenUrl", baseUrl + TOKEN_PATH)
                                  .add("scopes", scopes))));
          alternatives.add(List.of(OAUTH2));
        }
        case ClientAuthPolicyConfig.JWT -> {
          ClientAuthPolicyConfig.ExternalJwt idp = auth.jwt();
          String description =
              idp == null
                  ? "An access token of the API's identity provider."
                  : "An access token of the identity provider "
                      + idp.issuer()
                      + (idp.audiences() == null || idp.audiences().isEmpty()
                          ? ""
                          : " for audience " + String.join(" or ", idp.audiences()))
                      + ".";
          JsonObjectBuilder bearer =
              Json.createObjectBuilder()
                  .add("type", "http")
                  .add("scheme", "bearer")
                  .add("bearerFormat", "JWT")
                  .add("description", description);
          if (idp != null) {
            bearer.add("x-meshgate-issuer", idp.issuer());
          }
          schemes.add(IDP_BEARER, bearer);
          alternatives.add(List.of(IDP_BEARER));
        }
        case ClientAuthPolicyConfig.CERTIFICATE -> {
          schemes.add(
              MUTUAL_TLS,
              Json.createObjectBuilder()
                  .add("type", "mutualTLS")
                  .add(
                      "description",
                      "A client certificate registered for your app, in the TLS handshake."));
          alternatives.add(List.of(MUTUAL_TLS));
        }
        default -> {
          // validated on write: no other method
        }
      }
    }
    return new Security(schemes.build(), alternatives);
  }

  private static JsonObjectBuilder apiKey(String in, String name, String description) {
    return Json.createObjectBuilder()
        .add("type", "apiKey")
        .add("in", in)
        .add("name", name)
        .add("description", description);
  }

  /** The status codes of the API's answers, each with its error keys. */
  static Map<Integer, List<String>> errors(Set<String> policies) {
    Map<Integer, List<String>> out = new TreeMap<>();
    for (ErrorAnswer e : ERRORS) {
      if (e.policy() == null || policies.contains(e.policy())) {
        out.computeIfAbsent(e.status(), s -> new ArrayList<>()).add(e.errorKey());
      }
    }
    return out;
  }

  /** One operation path: the methods it names and what they add (limits, scopes). */
  private static final class PathItem {
    final boolean anyRest;
    final List<String> parameters;
    final Map<String, Set<String>> scopes = new LinkedHashMap<>();
    final Map<String, List<String>> notes = new LinkedHashMap<>();

    PathItem(boolean anyRest, List<String> parameters) {
      this.anyRest = anyRest;
      this.parameters = parameters;
    }
  }

  private static JsonObject paths(
      List<RateLimitPolicyConfig> limits,
      List<ScopePolicyConfig> scopeSteps,
      Security security,
      Set<Integer> errorStatuses) {
    Map<String, PathItem> items = new TreeMap<>();
    items.put(ANY_PATH, new PathItem(true, List.of("path")));
    for (RateLimitPolicyConfig config : limits) {
      for (RateLimitPolicyConfig.Operation op : config.operations()) {
        PathItem item = item(items, op.path());
        String note = limitNote(op.rateLimit(), op.burst());
        for (String method : methods(op.method(), false)) {
          item.notes.computeIfAbsent(method, m -> new ArrayList<>()).add(note);
        }
      }
    }
    for (ScopePolicyConfig config : scopeSteps) {
      for (ScopePolicyConfig.Operation op : config.operations()) {
        PathItem item = item(items, op.path());
        for (String method : methods(op.method(), true)) {
          item.scopes.computeIfAbsent(method, m -> new TreeSet<>()).addAll(op.scopes());
        }
      }
    }
    JsonObjectBuilder paths = Json.createObjectBuilder();
    items.forEach(
        (path, item) -> {
          JsonObjectBuilder pathItem = Json.createObjectBuilder();
          if (item.anyRest) {
            pathItem.add(ANY_PATH_EXTENSION, true);
          }
          JsonArrayBuilder parameters = Json.createArrayBuilder();
          for (String name : item.parameters) {
            boolean rest =
                item.anyRest && name.equals(item.parameters.get(item.parameters.size() - 1));
            parameters.add(
                Json.createObjectBuilder()
                    .add("name", name)
                    .add("in", "path")
                    .add("required", true)
                    .add(
                        "description",
                        rest
                            ? "Any rest of the path, slashes included: the gateway forwards it as"
                                + " it is."
                            : "One path segment.")
                    .add("schema", Json.createObjectBuilder().add("type", "string")));
          }
          if (!item.parameters.isEmpty()) {
            pathItem.add("parameters", parameters);
          }
          for (String method : METHODS) {
            pathItem.add(
                method.toLowerCase(Locale.ROOT),
                operation(
                    method,
                    item.scopes.getOrDefault(method, Set.of()),
                    item.notes.getOrDefault(method, List.of()),
                    security,
                    errorStatuses));
          }
          paths.add(path, pathItem);
        });
    return paths.build();
  }

  private static JsonObject operation(
      String method,
      Set<String> scopes,
      List<String> notes,
      Security security,
      Set<Integer> errorStatuses) {
    JsonObjectBuilder op = Json.createObjectBuilder();
    List<String> description = new ArrayList<>(notes);
    if (!scopes.isEmpty()) {
      description.add(
          "Needs scope "
              + String.join(", ", scopes)
              + " (granted by your plan and, when you present a token, carried by it).");
      op.add("x-meshgate-scopes", strings(scopes));
      op.add("security", security.requirements(scopes));
    }
    if (!description.isEmpty()) {
      op.add("description", String.join(" ", description));
    }
    JsonObjectBuilder responses = Json.createObjectBuilder();
    for (int status : errorStatuses) {
      responses.add(
          Integer.toString(status), ref("#/components/responses/" + RESPONSE_NAMES.get(status)));
    }
    responses.add("default", ref("#/components/responses/Upstream"));
    op.add("responses", responses);
    return op.build();
  }

  /** The path item of a template, made OpenAPI-shaped: a final {@code **} becomes a parameter. */
  private static PathItem item(Map<String, PathItem> items, String template) {
    List<String> parameters = new ArrayList<>();
    StringBuilder path = new StringBuilder();
    String[] segments = template.substring(1).split("/", -1);
    boolean anyRest = false;
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      path.append('/');
      if (s.equals("**") && i == segments.length - 1) {
        String name = parameters.contains("path") ? "rest" : "path";
        parameters.add(name);
        path.append('{').append(name).append('}');
        anyRest = true;
      } else {
        if (s.startsWith("{") && s.endsWith("}")) {
          parameters.add(s.substring(1, s.length() - 1));
        }
        path.append(s);
      }
    }
    boolean rest = anyRest;
    return items.computeIfAbsent(path.toString(), p -> new PathItem(rest, parameters));
  }

  /** The methods an operation names: {@code *} is all; for scopes {@code GET} covers HEAD. */
  private static List<String> methods(String method, boolean getCoversHead) {
    if ("*".equals(method)) {
      return METHODS;
    }
    return getCoversHead && "GET".equals(method) ? List.of("GET", "HEAD") : List.of(method);
  }

  private static String limitNote(LimitSpec.Rate rate, LimitSpec.Burst burst) {
    List<String> parts = new ArrayList<>();
    if (rate != null) {
      parts.add(rate.limit() + " calls per " + rate.per());
    }
    if (burst != null) {
      parts.add(burst.limit() + " calls per " + burst.windowMs() + " ms");
    }
    return parts.isEmpty()
        ? "Counted on its own, on top of your plan's limits."
        : "Limited to " + String.join(" and ", parts) + ", on top of your plan's limits.";
  }

  private static JsonObject responses(
      Map<Integer, List<String>> errors,
      boolean limited,
      boolean legacyHeaders,
      Set<String> policies) {
    JsonObjectBuilder out = Json.createObjectBuilder();
    errors.forEach(
        (status, keys) -> {
          JsonObjectBuilder response =
              Json.createObjectBuilder()
                  .add(
                      "description",
                      RESPONSE_NAMES.get(status).replaceAll("(?<=[a-z])(?=[A-Z])", " ")
                          + ": "
                          + String.join(", ", keys));
          JsonObjectBuilder headers = Json.createObjectBuilder();
          if (status == 401 || (status == 403 && policies.contains(ScopePolicyFactory.ID))) {
            headers.add(WWW_AUTHENTICATE, ref("#/components/headers/" + WWW_AUTHENTICATE));
          }
          if (status == 429 || status == 503) {
            headers.add(RETRY_AFTER, ref("#/components/headers/" + RETRY_AFTER));
          }
          if (status == 429) {
            rateLimitHeaders(headers, legacyHeaders);
          }
          JsonObject h = headers.build();
          if (!h.isEmpty()) {
            response.add("headers", h);
          }
          response.add(
              "content",
              Json.createObjectBuilder()
                  .add(PROBLEM, Json.createObjectBuilder().add("schema", problemOf(status, keys))));
          out.add(RESPONSE_NAMES.get(status), response);
        });
    JsonObjectBuilder upstream =
        Json.createObjectBuilder()
            .add(
                "description",
                "The answer of the API's service, as it sent it (hop-by-hop headers removed).");
    if (limited) {
      JsonObjectBuilder headers = Json.createObjectBuilder();
      rateLimitHeaders(headers, legacyHeaders);
      upstream.add("headers", headers);
    }
    out.add("Upstream", upstream);
    return out.build();
  }

  private static void rateLimitHeaders(JsonObjectBuilder headers, boolean legacy) {
    for (String name : List.of(RATE_LIMIT_LIMIT, RATE_LIMIT_REMAINING, RATE_LIMIT_RESET)) {
      headers.add(name, ref("#/components/headers/" + name));
      if (legacy) {
        headers.add(LEGACY_PREFIX + name, ref("#/components/headers/" + name));
      }
    }
  }

  private static JsonObject headers(boolean limited, boolean legacy, Set<String> policies) {
    JsonObjectBuilder out = Json.createObjectBuilder();
    if (limited) {
      out.add(
          RATE_LIMIT_LIMIT,
          header("The limit of the count closest to it (calls in its window or period).", true));
      out.add(RATE_LIMIT_REMAINING, header("Calls left in that count.", true));
      out.add(
          RATE_LIMIT_RESET,
          header("Seconds until that count goes down, or until the quota period ends.", true));
    }
    out.add(RETRY_AFTER, header("Seconds to wait before calling again.", true));
    if (policies.contains(ClientAuthPolicyFactory.ID) || policies.contains(ScopePolicyFactory.ID)) {
      out.add(
          WWW_AUTHENTICATE,
          header(
              "The challenge: one per accepted credential on a 401; on a 403 for a missing"
                  + " scope, Bearer error=\"insufficient_scope\" with the scopes needed.",
              false));
    }
    return out.build();
  }

  private static JsonObject header(String description, boolean integer) {
    return Json.createObjectBuilder()
        .add("description", description)
        .add(
            "schema",
            integer
                ? Json.createObjectBuilder().add("type", "integer").add("minimum", 0)
                : Json.createObjectBuilder().add("type", "string"))
        .build();
  }

  /** The problem of one status: its {@code errorKey} is one of these. */
  private static JsonObject problemOf(int status, List<String> keys) {
    JsonObject narrowed =
        Json.createObjectBuilder()
            .add(
                "properties",
                Json.createObjectBuilder()
                    .add("status", Json.createObjectBuilder().add("const", status))
                    .add("errorKey", Json.createObjectBuilder().add("enum", strings(keys))))
            .build();
    return Json.createObjectBuilder()
        .add(
            "allOf",
            Json.createArrayBuilder().add(ref("#/components/schemas/Problem")).add(narrowed))
        .build();
  }

  /** RFC 9457, as {@code io.meshgate.support.Problem} writes it. */
  private static JsonObject problemSchema() {
    return Json.createObjectBuilder()
        .add("type", "object")
        .add("required", strings(List.of("type", "title", "status", "detail", "errorKey")))
        .add(
            "properties",
            Json.createObjectBuilder()
                .add("type", Json.createObjectBuilder().add("type", "string").add("format", "uri"))
                .add("title", string())
                .add("status", Json.createObjectBuilder().add("type", "integer"))
                .add("detail", string())
                .add("errorKey", string())
                .add("requestId", string())
                .add("traceId", string()))
        .build();
  }

  private static JsonObject string() {
    return Json.createObjectBuilder().add("type", "string").build();
  }

  private static JsonObject ref(String target) {
    return Json.createObjectBuilder().add("$ref", target).build();
  }

  private static JsonArray strings(java.util.Collection<String> values) {
    JsonArrayBuilder out = Json.createArrayBuilder();
    values.forEach(out::add);
    return out.build();
  }
}
