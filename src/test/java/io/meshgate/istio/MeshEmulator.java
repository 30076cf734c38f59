package io.meshgate.istio;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * What an Istio sidecar does with one request to one workload, decided from the Istio (and Gateway
 * API) resources that apply to it, following Istio's documented semantics: RequestAuthentication
 * (JWT validation), then AuthorizationPolicy (CUSTOM ignored, DENY, then ALLOW), then routing by a
 * VirtualService or HTTPRoute. Tests use it to check that generated resources mean what meshgate
 * intends, without a cluster.
 *
 * <p>Policy selection ({@code selector}, {@code targetRefs}) is out of scope: every given policy
 * applies. Every field the emulator does not implement throws {@link UnsupportedOperationException}
 * naming it, so an unsupported policy never silently matches or misses. Not supported: {@code
 * jwksUri} (give {@code jwks} inline), {@code fromCookies}, IP blocks, {@code serviceAccounts},
 * request path normalisation, VirtualService redirects, rewrites, direct responses and delegation,
 * HTTPRoute filters and query-parameter precedence beyond counting.
 */
final class MeshEmulator {
  /** Envoy's jwt_authn default clock skew for {@code exp} and {@code nbf}, which Istio keeps. */
  static final int CLOCK_SKEW_SECONDS = 60;

  private static final String AUTHORIZATION = "authorization";
  private static final String BEARER = "Bearer ";
  private static final String ACCESS_TOKEN_PARAM = "access_token";
  private static final Pattern CLAIM_KEY =
      Pattern.compile("^request\\.auth\\.claims((\\[[^\\]]+\\])+)$");
  private static final Pattern HEADER_KEY = Pattern.compile("^request\\.headers\\[([^\\]]+)\\]$");

  private final List<Map<String, Object>> resources;
  private final Clock clock;

  /**
   * @param resources Istio and Gateway API documents as parsed from YAML; kinds other than
   *     RequestAuthentication, AuthorizationPolicy, VirtualService and HTTPRoute are ignored
   * @param clock the time tokens are checked at
   */
  MeshEmulator(List<Map<String, Object>> resources, Clock clock) {
    this.resources = List.copyOf(resources);
    this.clock = clock;
  }

  /** A request as the sidecar sees it; header names are lower case. */
  record Request(
      String method,
      String path,
      String host,
      int port,
      Map<String, String> headers,
      Optional<String> sourcePrincipal,
      Optional<String> sourceNamespace) {
    Request {
      headers = Map.copyOf(headers);
      headers
          .keySet()
          .forEach(
              n -> {
                if (!n.equals(n.toLowerCase(Locale.ROOT))) {
                  throw new IllegalArgumentException("header names are lower case: " + n);
                }
              });
    }

    static Request of(String method, String path) {
      return new Request(method, path, "", 80, Map.of(), Optional.empty(), Optional.empty());
    }

    Request withHeader(String name, String value) {
      Map<String, String> next = new LinkedHashMap<>(headers);
      next.put(name, value);
      return new Request(method, path, host, port, next, sourcePrincipal, sourceNamespace);
    }

    /** The compact JWT in {@code Authorization: Bearer}, where Istio looks by default. */
    Request withBearer(String jwt) {
      return withHeader(AUTHORIZATION, BEARER + jwt);
    }

    Request toHost(String host, int port) {
      return new Request(method, path, host, port, headers, sourcePrincipal, sourceNamespace);
    }

    /** The caller's mTLS identity (peer principal and namespace); none by default. */
    Request fromPeer(String principal, String namespace) {
      return new Request(
          method, path, host, port, headers, Optional.of(principal), Optional.of(namespace));
    }

    String pathWithoutQuery() {
      int q = path.indexOf('?');
      return q < 0 ? path : path.substring(0, q);
    }

    Map<String, String> query() {
      Map<String, String> params = new LinkedHashMap<>();
      int q = path.indexOf('?');
      if (q >= 0) {
        for (String pair : path.substring(q + 1).split("&")) {
          int eq = pair.indexOf('=');
          if (!pair.isEmpty()) {
            params.putIfAbsent(
                URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
          }
        }
      }
      return params;
    }
  }

  /** Where a request goes: a host (Service), an optional subset or port, and its weight. */
  record Destination(String host, Optional<String> subset, Optional<Integer> port, int weight) {}

  /**
   * The sidecar's answer: 200 with the selected destinations, or the status (401, 403, 404, 500)
   * and why; the request principal when a token was accepted.
   */
  record Decision(
      int status,
      String reason,
      Optional<String> requestPrincipal,
      List<Destination> destinations) {
    static Decision refuse(int status, String reason, Optional<String> principal) {
      return new Decision(status, reason, principal, List.of());
    }
  }

  /** The authenticated request identity, from an accepted JWT. */
  private record Auth(String principal, Map<String, Object> claims) {}

  Decision handle(Request request) {
    Optional<Auth> auth;
    try {
      auth = authenticate(request);
    } catch (Refusal r) {
      return Decision.refuse(401, r.getMessage(), Optional.empty());
    }
    Optional<String> principal = auth.map(Auth::principal);
    Optional<String> denied = authorize(request, auth);
    if (denied.isPresent()) {
      return Decision.refuse(403, denied.get(), principal);
    }
    return route(request, principal);
  }

  // ------------------------------------------------------------- RequestAuthentication

  private static final class Refusal extends Exception {
    Refusal(String message) {
      super(message);
    }
  }

  private static final Set<String> JWT_RULE_FIELDS =
      Set.of(
          "issuer",
          "jwks",
          "audiences",
          "forwardOriginalToken",
          "fromHeaders",
          "fromParams",
          "outputPayloadToHeader",
          "timeout");

  /** A token and where it was found ({@code header:name} or {@code param:name}). */
  private record Found(String location, String token) {}

  /**
   * Istio: a request without a token passes unauthenticated; every token present must verify
   * against a rule of its issuer that reads that location, else 401.
   */
  private Optional<Auth> authenticate(Request request) throws Refusal {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> ra : ofKind("RequestAuthentication")) {
      rules.addAll(maps(spec(ra).get("jwtRules")));
    }
    for (Map<String, Object> rule : rules) {
      for (String field : rule.keySet()) {
        if (!JWT_RULE_FIELDS.contains(field)) {
          throw new UnsupportedOperationException("jwtRules." + field + " is not emulated");
        }
      }
    }
    List<Found> tokens = new ArrayList<>();
    for (Map<String, Object> rule : rules) {
      for (Found f : locate(request, rule)) {
        if (!tokens.contains(f)) {
          tokens.add(f);
        }
      }
    }
    Optional<Auth> accepted = Optional.empty();
    for (Found token : tokens) {
      String issuer = unverifiedIssuer(token.token());
      List<Map<String, Object>> ofIssuer =
          rules.stream()
              .filter(r -> issuer.equals(r.get("issuer")))
              .filter(r -> locate(request, r).contains(token))
              .toList();
      if (ofIssuer.isEmpty()) {
        throw new Refusal("Jwt issuer is not configured: " + issuer);
      }
      String lastFailure = "";
      Optional<Auth> verified = Optional.empty();
      for (Map<String, Object> rule : ofIssuer) {
        try {
          verified = Optional.of(verify(token.token(), rule));
          break;
        } catch (Refusal r) {
          lastFailure = r.getMessage();
        }
      }
      if (verified.isEmpty()) {
        throw new Refusal(lastFailure);
      }
      accepted = accepted.isPresent() ? accepted : verified;
    }
    return accepted;
  }

  /**
   * The tokens a rule reads: its fromHeaders/fromParams, else Authorization Bearer and
   * access_token.
   */
  private static List<Found> locate(Request request, Map<String, Object> rule) {
    List<Found> found = new ArrayList<>();
    boolean custom = rule.containsKey("fromHeaders") || rule.containsKey("fromParams");
    List<Map<String, Object>> headers =
        custom
            ? maps(rule.get("fromHeaders"))
            : List.of(Map.of("name", AUTHORIZATION, "prefix", BEARER));
    for (Map<String, Object> h : headers) {
      String name = String.valueOf(h.get("name")).toLowerCase(Locale.ROOT);
      String prefix = h.get("prefix") instanceof String p ? p : "";
      String value = request.headers().get(name);
      if (value != null && value.startsWith(prefix)) {
        found.add(new Found("header:" + name, value.substring(prefix.length()).trim()));
      }
    }
    List<String> params = custom ? strings(rule.get("fromParams")) : List.of(ACCESS_TOKEN_PARAM);
    for (String param : params) {
      String value = request.query().get(param);
      if (value != null) {
        found.add(new Found("param:" + param, value));
      }
    }
    return found;
  }

  private static String unverifiedIssuer(String token) throws Refusal {
    try {
      JwtClaims claims =
          new JwtConsumerBuilder()
              .setSkipAllValidators()
              .setDisableRequireSignature()
              .setSkipSignatureVerification()
              .build()
              .processToClaims(token);
      if (claims.getIssuer() == null) {
        throw new Refusal("Jwt has no iss claim");
      }
      return claims.getIssuer();
    } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException e) {
      throw new Refusal("Jwt is not in the form of Header.Payload.Signature");
    }
  }

  private Auth verify(String token, Map<String, Object> rule) throws Refusal {
    if (!(rule.get("jwks") instanceof String jwks)) {
      throw new UnsupportedOperationException(
          "jwtRules without inline jwks (jwksUri, jwks_uri) are not emulated");
    }
    JwksVerificationKeyResolver keys;
    try {
      keys = new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys());
    } catch (JoseException e) {
      throw new Refusal("Jwks doesn't have key to match kid or alg from Jwt");
    }
    // Without a kid, Envoy tries every key of the set: the one whose signature verifies wins.
    keys.setDisambiguateWithVerifySignature(true);
    JwtConsumerBuilder builder =
        new JwtConsumerBuilder()
            .setVerificationKeyResolver(keys)
            .setJwsAlgorithmConstraints(
                AlgorithmConstraints.ConstraintType.BLOCK, AlgorithmIdentifiers.NONE)
            .setExpectedIssuer(String.valueOf(rule.get("issuer")))
            .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
            .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS);
    List<String> audiences = strings(rule.get("audiences"));
    if (audiences.isEmpty()) {
      // No audiences configured: Envoy's provider then checks no aud at all.
      builder.setSkipDefaultAudienceValidation();
    } else {
      builder.setExpectedAudience(true, audiences.toArray(String[]::new));
    }
    JwtConsumer consumer = builder.build();
    try {
      JwtClaims claims = consumer.processToClaims(token);
      String subject = claims.getSubject() == null ? "" : claims.getSubject();
      return new Auth(claims.getIssuer() + "/" + subject, claims.getClaimsMap());
    } catch (InvalidJwtException e) {
      throw new Refusal(jwtFailure(e));
    } catch (org.jose4j.jwt.MalformedClaimException e) {
      throw new Refusal("Jwt claims are malformed");
    }
  }

  /** Envoy's wording for the common failures, so decisions read like the sidecar's 401 body. */
  private static String jwtFailure(InvalidJwtException e) {
    if (e.hasExpired()) {
      return "Jwt is expired";
    }
    if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.NOT_YET_VALID)) {
      return "Jwt not yet valid";
    }
    if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_INVALID)
        || e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_MISSING)) {
      return "Audiences in Jwt are not allowed";
    }
    if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_INVALID)) {
      return "Jwt verification fails";
    }
    String detail = String.valueOf(e.getMessage());
    if (detail.contains("Unable to find a suitable verification key")
        || detail.contains("UnresolvableKeyException")) {
      return "Jwks doesn't have key to match kid or alg from Jwt";
    }
    if (detail.contains("'none'") || detail.contains("AlgorithmConstraints")) {
      return "Jwt algorithm is not allowed: none";
    }
    // The details name the failed checks without echoing the token's claims.
    return "Jwt verification fails: "
        + e.getErrorDetails().stream()
            .map(org.jose4j.jwt.consumer.ErrorCodeValidator.Error::getErrorMessage)
            .toList();
  }

  // --------------------------------------------------------------- AuthorizationPolicy

  /** Empty when allowed, else why the request is denied. */
  private Optional<String> authorize(Request request, Optional<Auth> auth) {
    List<Map<String, Object>> policies = ofKind("AuthorizationPolicy");
    for (Map<String, Object> policy : policies) {
      if ("DENY".equals(action(policy))
          && maps(spec(policy).get("rules")).stream().anyMatch(r -> matches(r, request, auth))) {
        return Optional.of("RBAC: access denied by DENY policy " + name(policy));
      }
    }
    List<Map<String, Object>> allow =
        policies.stream().filter(p -> "ALLOW".equals(action(p))).toList();
    if (allow.isEmpty()) {
      return Optional.empty();
    }
    // An ALLOW policy without rules allows nothing; with `rules: [{}]` it allows everything.
    boolean allowed =
        allow.stream()
            .anyMatch(
                p -> maps(spec(p).get("rules")).stream().anyMatch(r -> matches(r, request, auth)));
    return allowed ? Optional.empty() : Optional.of("RBAC: access denied: no ALLOW policy matches");
  }

  private static String action(Map<String, Object> policy) {
    String action = spec(policy).get("action") instanceof String a ? a : "ALLOW";
    return switch (action) {
      case "ALLOW", "DENY" -> action;
      case "CUSTOM", "AUDIT" -> "IGNORED"; // delegated to an external authorizer / logging only
      default -> throw new UnsupportedOperationException("action " + action);
    };
  }

  /** A rule: sources ORed, operations ORed, conditions ANDed; an absent part matches. */
  private static boolean matches(Map<String, Object> rule, Request request, Optional<Auth> auth) {
    for (String field : rule.keySet()) {
      if (!Set.of("from", "to", "when").contains(field)) {
        throw new UnsupportedOperationException("rules." + field + " is not emulated");
      }
    }
    List<Map<String, Object>> from = maps(rule.get("from"));
    List<Map<String, Object>> to = maps(rule.get("to"));
    return (from.isEmpty()
            || from.stream().anyMatch(f -> sourceMatches(map(f.get("source")), request, auth)))
        && (to.isEmpty()
            || to.stream().anyMatch(t -> operationMatches(map(t.get("operation")), request)))
        && maps(rule.get("when")).stream().allMatch(c -> conditionHolds(c, request, auth));
  }

  private static boolean sourceMatches(
      Map<String, Object> source, Request request, Optional<Auth> auth) {
    Optional<String> principal = auth.map(Auth::principal);
    boolean all = true;
    for (Map.Entry<String, Object> field : source.entrySet()) {
      List<String> patterns = strings(field.getValue());
      all &=
          switch (field.getKey()) {
            case "requestPrincipals" -> anyMatches(principal, patterns);
            case "notRequestPrincipals" -> !anyMatches(principal, patterns);
            case "principals" -> anyMatches(request.sourcePrincipal(), patterns);
            case "notPrincipals" -> !anyMatches(request.sourcePrincipal(), patterns);
            case "namespaces" -> anyMatches(request.sourceNamespace(), patterns);
            case "notNamespaces" -> !anyMatches(request.sourceNamespace(), patterns);
            default ->
                throw new UnsupportedOperationException(
                    "source." + field.getKey() + " is not emulated");
          };
    }
    return all;
  }

  private static boolean operationMatches(Map<String, Object> operation, Request request) {
    boolean all = true;
    for (Map.Entry<String, Object> field : operation.entrySet()) {
      List<String> patterns = strings(field.getValue());
      Optional<String> method = Optional.of(request.method());
      Optional<String> host = Optional.of(request.host());
      Optional<String> port = Optional.of(Integer.toString(request.port()));
      String path = request.pathWithoutQuery();
      all &=
          switch (field.getKey()) {
            case "methods" -> anyMatches(method, patterns);
            case "notMethods" -> !anyMatches(method, patterns);
            case "hosts" -> anyMatchesIgnoringCase(host, patterns);
            case "notHosts" -> !anyMatchesIgnoringCase(host, patterns);
            case "ports" -> patterns.contains(port.get());
            case "notPorts" -> !patterns.contains(port.get());
            case "paths" -> patterns.stream().anyMatch(p -> pathMatches(p, path));
            case "notPaths" -> patterns.stream().noneMatch(p -> pathMatches(p, path));
            default ->
                throw new UnsupportedOperationException(
                    "operation." + field.getKey() + " is not emulated");
          };
    }
    return all;
  }

  /**
   * A {@code when} condition: some value matches {@code values}, none matches {@code notValues}.
   */
  private static boolean conditionHolds(
      Map<String, Object> condition, Request request, Optional<Auth> auth) {
    String key = String.valueOf(condition.get("key"));
    List<String> actual = conditionValues(key, request, auth);
    boolean holds = true;
    if (condition.containsKey("values")) {
      List<String> values = strings(condition.get("values"));
      holds = actual.stream().anyMatch(a -> values.stream().anyMatch(v -> stringMatches(v, a)));
    }
    if (condition.containsKey("notValues")) {
      List<String> notValues = strings(condition.get("notValues"));
      holds &=
          actual.stream().noneMatch(a -> notValues.stream().anyMatch(v -> stringMatches(v, a)));
    }
    return holds;
  }

  @SuppressWarnings("unchecked")
  private static List<String> conditionValues(String key, Request request, Optional<Auth> auth) {
    Matcher header = HEADER_KEY.matcher(key);
    if (header.matches()) {
      String value = request.headers().get(header.group(1).toLowerCase(Locale.ROOT));
      return value == null ? List.of() : List.of(value);
    }
    Matcher claim = CLAIM_KEY.matcher(key);
    if (claim.matches()) {
      Object value = auth.map(a -> (Object) a.claims()).orElse(null);
      for (String name : claim.group(1).substring(1, claim.group(1).length() - 1).split("\\]\\[")) {
        value = value instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(name) : null;
      }
      return claimStrings(value);
    }
    return switch (key) {
      case "request.auth.principal" -> auth.map(Auth::principal).stream().toList();
      case "request.auth.audiences" ->
          auth.map(a -> claimStrings(a.claims().get("aud"))).orElse(List.of());
      case "request.auth.presenter" ->
          auth.map(a -> claimStrings(a.claims().get("azp"))).orElse(List.of());
      case "source.principal" -> request.sourcePrincipal().stream().toList();
      case "source.namespace" -> request.sourceNamespace().stream().toList();
      case "destination.port" -> List.of(Integer.toString(request.port()));
      default -> throw new UnsupportedOperationException("when key " + key + " is not emulated");
    };
  }

  /** Istio matches string claims and lists of strings; other claim types match nothing. */
  private static List<String> claimStrings(Object value) {
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof List<?> list) {
      return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** Istio's string match: exact, {@code abc*} prefix, {@code *abc} suffix, {@code *} presence. */
  static boolean stringMatches(String pattern, String value) {
    if ("*".equals(pattern)) {
      return !value.isEmpty();
    }
    if (pattern.endsWith("*")) {
      return value.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    if (pattern.startsWith("*")) {
      return value.endsWith(pattern.substring(1));
    }
    return pattern.equals(value);
  }

  private static boolean anyMatches(Optional<String> value, List<String> patterns) {
    return value.isPresent() && patterns.stream().anyMatch(p -> stringMatches(p, value.get()));
  }

  private static boolean anyMatchesIgnoringCase(Optional<String> value, List<String> patterns) {
    return anyMatches(
        value.map(v -> v.toLowerCase(Locale.ROOT)),
        patterns.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList());
  }

  /**
   * Istio's path match: a template when it holds {@code {*}} (one segment) or {@code {**}} (the
   * rest, last only), else the string match.
   */
  static boolean pathMatches(String pattern, String path) {
    if (!pattern.contains("{")) {
      return stringMatches(pattern, path);
    }
    StringBuilder regex = new StringBuilder();
    String[] parts = pattern.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i > 0) {
        regex.append('/');
      }
      switch (part) {
        case "{*}" -> regex.append("[^/]+");
        case "{**}" -> {
          if (i != parts.length - 1) {
            throw new IllegalArgumentException("{**} must be the last operator: " + pattern);
          }
          regex.append(".+");
        }
        default -> {
          if (part.contains("{") || part.contains("*")) {
            throw new IllegalArgumentException("invalid path template " + pattern);
          }
          regex.append(Pattern.quote(part));
        }
      }
    }
    return path.matches(regex.toString());
  }

  // ------------------------------------------------------------------------ routing

  private Decision route(Request request, Optional<String> principal) {
    List<Map<String, Object>> services =
        ofKind("VirtualService").stream()
            .filter(
                vs ->
                    request.host().isEmpty()
                        || strings(spec(vs).get("hosts")).contains(request.host()))
            .toList();
    if (!services.isEmpty()) {
      return routeByVirtualService(services.get(0), request, principal);
    }
    List<Map<String, Object>> routes = ofKind("HTTPRoute");
    if (!routes.isEmpty()) {
      return routeByHttpRoutes(routes, request, principal);
    }
    return new Decision(200, "allowed; no routing resource", principal, List.of());
  }

  /** VirtualService: the first http route with a matching {@code match} entry (or none) wins. */
  private static Decision routeByVirtualService(
      Map<String, Object> vs, Request request, Optional<String> principal) {
    List<Map<String, Object>> http = maps(spec(vs).get("http"));
    for (int i = 0; i < http.size(); i++) {
      Map<String, Object> route = http.get(i);
      for (String field : route.keySet()) {
        if (!Set.of("name", "match", "route", "timeout", "retries").contains(field)) {
          throw new UnsupportedOperationException("http." + field + " is not emulated");
        }
      }
      List<Map<String, Object>> matches = maps(route.get("match"));
      if (matches.isEmpty() || matches.stream().anyMatch(m -> vsMatch(m, request))) {
        List<Map<String, Object>> destinations = maps(route.get("route"));
        List<Destination> out = new ArrayList<>();
        for (Map<String, Object> d : destinations) {
          Map<String, Object> destination = map(d.get("destination"));
          int weight =
              d.get("weight") instanceof Number w
                  ? w.intValue()
                  : destinations.size() == 1 ? 100 : 0;
          out.add(
              new Destination(
                  String.valueOf(destination.get("host")),
                  Optional.ofNullable((String) destination.get("subset")),
                  Optional.ofNullable(map(destination.get("port")).get("number"))
                      .map(n -> ((Number) n).intValue()),
                  weight));
        }
        return new Decision(200, "routed by " + name(vs) + " http[" + i + "]", principal, out);
      }
    }
    return Decision.refuse(404, "no http route of " + name(vs) + " matches", principal);
  }

  private static boolean vsMatch(Map<String, Object> match, Request request) {
    boolean all = true;
    for (Map.Entry<String, Object> field : match.entrySet()) {
      all &=
          switch (field.getKey()) {
            case "name" -> true;
            case "uri" -> stringMatch(map(field.getValue()), request.pathWithoutQuery());
            case "method" -> stringMatch(map(field.getValue()), request.method());
            case "authority" -> stringMatch(map(field.getValue()), request.host());
            case "port" -> ((Number) field.getValue()).intValue() == request.port();
            case "headers" ->
                map(field.getValue()).entrySet().stream()
                    .allMatch(
                        h ->
                            request.headers().containsKey(h.getKey())
                                && stringMatch(
                                    map(h.getValue()), request.headers().get(h.getKey())));
            case "withoutHeaders" ->
                map(field.getValue()).entrySet().stream()
                    .noneMatch(
                        h ->
                            request.headers().containsKey(h.getKey())
                                && stringMatch(
                                    map(h.getValue()), request.headers().get(h.getKey())));
            case "queryParams" ->
                map(field.getValue()).entrySet().stream()
                    .allMatch(
                        q ->
                            request.query().containsKey(q.getKey())
                                && stringMatch(map(q.getValue()), request.query().get(q.getKey())));
            default ->
                throw new UnsupportedOperationException(
                    "match." + field.getKey() + " is not emulated");
          };
    }
    return all;
  }

  /** Istio's StringMatch: exact, prefix or regex (RE2, whole value); empty means present. */
  private static boolean stringMatch(Map<String, Object> match, String value) {
    if (match.containsKey("exact")) {
      return value.equals(match.get("exact"));
    }
    if (match.containsKey("prefix")) {
      return value.startsWith(String.valueOf(match.get("prefix")));
    }
    if (match.containsKey("regex")) {
      return Pattern.compile(String.valueOf(match.get("regex"))).matcher(value).matches();
    }
    if (match.isEmpty()) {
      return true;
    }
    throw new UnsupportedOperationException("string match " + match.keySet() + " is not emulated");
  }

  /** One HTTPRoute match that a request satisfies, with what Gateway API precedence ranks. */
  private record Candidate(
      int exactPath,
      int prefixLength,
      int method,
      int headers,
      int queryParams,
      int order,
      Map<String, Object> route,
      int ruleIndex) {}

  /**
   * Gateway API precedence among all matching (rule, match) pairs: an Exact path, then the longest
   * PathPrefix, then a method match, then the most header matches, then the most query parameter
   * matches, then the order of the given routes and rules (standing in for creation time and name).
   * A rule without matches matches every path as PathPrefix "/" (the CRD default).
   * RegularExpression paths rank below every prefix, which the spec leaves to implementations.
   */
  private static Decision routeByHttpRoutes(
      List<Map<String, Object>> routes, Request request, Optional<String> principal) {
    List<Candidate> candidates = new ArrayList<>();
    int order = 0;
    for (Map<String, Object> route : routes) {
      List<Map<String, Object>> rules = maps(spec(route).get("rules"));
      for (int r = 0; r < rules.size(); r++) {
        Map<String, Object> rule = rules.get(r);
        if (rule.containsKey("filters")) {
          throw new UnsupportedOperationException("HTTPRoute filters are not emulated");
        }
        List<Map<String, Object>> matches = maps(rule.get("matches"));
        if (matches.isEmpty()) {
          matches = List.of(Map.of());
        }
        for (Map<String, Object> match : matches) {
          Optional<Candidate> c = httpMatch(match, request, route, r, order++);
          c.ifPresent(candidates::add);
        }
      }
    }
    Optional<Candidate> best =
        candidates.stream()
            .min(
                Comparator.comparingInt((Candidate c) -> -c.exactPath())
                    .thenComparingInt(c -> -c.prefixLength())
                    .thenComparingInt(c -> -c.method())
                    .thenComparingInt(c -> -c.headers())
                    .thenComparingInt(c -> -c.queryParams())
                    .thenComparingInt(Candidate::order));
    if (best.isEmpty()) {
      return Decision.refuse(404, "no HTTPRoute rule matches", principal);
    }
    Map<String, Object> rule =
        maps(spec(best.get().route()).get("rules")).get(best.get().ruleIndex());
    List<Map<String, Object>> refs = maps(rule.get("backendRefs"));
    if (refs.isEmpty()) {
      return Decision.refuse(500, "the matching HTTPRoute rule has no backendRefs", principal);
    }
    List<Destination> out =
        refs.stream()
            .map(
                b ->
                    new Destination(
                        String.valueOf(b.get("name")),
                        Optional.empty(),
                        Optional.ofNullable((Number) b.get("port")).map(Number::intValue),
                        b.get("weight") instanceof Number w ? w.intValue() : 1))
            .toList();
    return new Decision(
        200,
        "routed by " + name(best.get().route()) + " rules[" + best.get().ruleIndex() + "]",
        principal,
        out);
  }

  private static Optional<Candidate> httpMatch(
      Map<String, Object> match, Request request, Map<String, Object> route, int rule, int order) {
    Map<String, Object> path =
        match.containsKey("path")
            ? map(match.get("path"))
            : Map.of("type", "PathPrefix", "value", "/");
    String type = path.get("type") instanceof String t ? t : "PathPrefix";
    String value = path.get("value") instanceof String v ? v : "/";
    String actual = request.pathWithoutQuery();
    boolean pathOk =
        switch (type) {
          case "Exact" -> actual.equals(value);
          // Gateway API prefixes match whole segments: /foo matches /foo and /foo/bar, not /foobar.
          case "PathPrefix" -> {
            String prefix = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            yield actual.equals(prefix) || actual.startsWith(prefix + "/") || prefix.isEmpty();
          }
          case "RegularExpression" -> Pattern.compile(value).matcher(actual).matches();
          default -> throw new UnsupportedOperationException("path type " + type);
        };
    List<Map<String, Object>> headers = maps(match.get("headers"));
    boolean headersOk =
        headers.stream()
            .allMatch(
                h -> {
                  String actualValue =
                      request.headers().get(String.valueOf(h.get("name")).toLowerCase(Locale.ROOT));
                  String wanted = String.valueOf(h.get("value"));
                  String headerType = h.get("type") instanceof String t ? t : "Exact";
                  return actualValue != null
                      && switch (headerType) {
                        case "Exact" -> actualValue.equals(wanted);
                        case "RegularExpression" ->
                            Pattern.compile(wanted).matcher(actualValue).matches();
                        default ->
                            throw new UnsupportedOperationException("header type " + headerType);
                      };
                });
    List<Map<String, Object>> params = maps(match.get("queryParams"));
    boolean paramsOk =
        params.stream()
            .allMatch(
                q ->
                    String.valueOf(q.get("value"))
                        .equals(request.query().get(String.valueOf(q.get("name")))));
    boolean methodOk = !match.containsKey("method") || request.method().equals(match.get("method"));
    if (!(pathOk && headersOk && paramsOk && methodOk)) {
      return Optional.empty();
    }
    return Optional.of(
        new Candidate(
            "Exact".equals(type) ? 1 : 0,
            "PathPrefix".equals(type) ? value.length() : -1,
            match.containsKey("method") ? 1 : 0,
            headers.size(),
            params.size(),
            order,
            route,
            rule));
  }

  // ------------------------------------------------------------------------- access

  private List<Map<String, Object>> ofKind(String kind) {
    return resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
  }

  private static Map<String, Object> spec(Map<String, Object> resource) {
    return map(resource.get("spec"));
  }

  private static String name(Map<String, Object> resource) {
    Map<String, Object> metadata = map(resource.get("metadata"));
    return metadata.getOrDefault("namespace", "") + "/" + metadata.get("name");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object value) {
    return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  private static List<String> strings(Object value) {
    return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }
}
