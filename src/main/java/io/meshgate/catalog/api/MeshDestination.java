package io.meshgate.catalog.api;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an API lives in the mesh and how its plans are routed there: the Kubernetes Service the
 * gateway forwards to, the version label that tells its workloads apart, the version (subset) each
 * plan reaches, optionally split by weight for a canary, and the traffic policy of the destination.
 * The Istio compiler ({@code io.meshgate.istio}) turns it into resources; the gateway itself still
 * forwards to the API's {@code upstreamUrl}, whose host should be this Service.
 *
 * @param service the Kubernetes Service (an RFC 1123 label)
 * @param namespace its namespace (an RFC 1123 label)
 * @param port the Service port the gateway calls; default: the upstream URL's port
 * @param targetPort the workloads' container port, for the per-version Services of the Gateway API
 *     form; default: {@code port}
 * @param workloadLabels the labels that select the Service's workloads, used as the selector of the
 *     RequestAuthentication and AuthorizationPolicy; default {@code {app: <service>}}
 * @param versionLabel the pod label that names a version; default {@code version}
 * @param defaultRoute where callers of a plan without a route of its own go
 * @param plans plan name → its route, for plans that do not take the default
 * @param connectionPool connection limits towards the destination, if any
 * @param outlierDetection ejection of failing endpoints, if any
 */
public record MeshDestination(
    @NotNull(message = "is required") @Pattern(regexp = LABEL, message = LABEL_MESSAGE)
        String service,
    @NotNull(message = "is required") @Pattern(regexp = LABEL, message = LABEL_MESSAGE)
        String namespace,
    @Min(value = 1, message = "must be between 1 and 65535")
        @Max(value = 65535, message = "must be between 1 and 65535")
        Integer port,
    @Min(value = 1, message = "must be between 1 and 65535")
        @Max(value = 65535, message = "must be between 1 and 65535")
        Integer targetPort,
    @Size(max = 10, message = "must have at most 10 labels")
        Map<
                @NotNull(message = "must not be null")
                @Pattern(regexp = LABEL_KEY, message = LABEL_KEY_MESSAGE) String,
                @NotNull(message = "must not be null")
                @Pattern(regexp = LABEL_VALUE, message = LABEL_VALUE_MESSAGE) String>
            workloadLabels,
    @Pattern(regexp = LABEL_KEY, message = LABEL_KEY_MESSAGE) String versionLabel,
    @NotNull(message = "is required")
        @Size(min = 1, max = 10, message = "must list 1 to 10 backends")
        List<@NotNull(message = "must not be null") @Valid Backend> defaultRoute,
    @Size(max = 100, message = "must have at most 100 plans")
        Map<
                @NotNull(message = "must not be null")
                @Pattern(
                    regexp = PLAN,
                    message = "must be a plan name (lowercase letters, digits, '-')")
                String,
                @NotNull(message = "must not be null")
                    @Size(min = 1, max = 10, message = "must list 1 to 10 backends") List<
                    @NotNull(message = "must not be null") @Valid Backend>>
            plans,
    @Valid ConnectionPool connectionPool,
    @Valid OutlierDetection outlierDetection) {

  /** An RFC 1123 label, as Kubernetes requires for namespaces and Service names. */
  public static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  static final String LABEL_MESSAGE =
      "must be a Kubernetes name: lower-case letters, digits and '-', at most 63, starting and"
          + " ending with a letter or digit";

  /** A label key: an optional DNS subdomain prefix and a name of at most 63 characters. */
  static final String LABEL_KEY =
      "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";

  static final String LABEL_KEY_MESSAGE =
      "must be a Kubernetes label key, e.g. version or app.kubernetes.io/version";

  /** A label value (empty values are legal in Kubernetes, but select nothing useful here). */
  static final String LABEL_VALUE = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";

  static final String LABEL_VALUE_MESSAGE =
      "must be a Kubernetes label value: letters, digits, '-', '_' or '.', at most 63";

  /** A plan name as plans are named (see PlanRequest). */
  static final String PLAN = "[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?";

  /** Namespaces a destination may not name: Istio's root namespace and Kubernetes' own. */
  static final java.util.Set<String> RESERVED_NAMESPACES =
      java.util.Set.of("istio-system", "kube-system", "kube-public", "kube-node-lease");

  /** The longest stored form (the column holds 20000 characters). */
  public static final int MAX_JSON_CHARS = 20_000;

  /** The pod label that names a version when the catalog does not say. */
  public static final String DEFAULT_VERSION_LABEL = "version";

  public MeshDestination {
    workloadLabels = workloadLabels == null ? null : Map.copyOf(workloadLabels);
    defaultRoute = defaultRoute == null ? null : List.copyOf(defaultRoute);
    plans = plans == null ? null : Map.copyOf(plans);
  }

  /**
   * One version a route sends to.
   *
   * @param subset the version: the value of the version label, and the subset's name
   * @param weight the share of the route's calls in percent; required when a route has more than
   *     one backend (their weights add up to 100), optional otherwise
   */
  public record Backend(
      @NotNull(message = "is required") @Pattern(regexp = LABEL, message = LABEL_MESSAGE)
          String subset,
      @Min(value = 0, message = "must be between 0 and 100")
          @Max(value = 100, message = "must be between 0 and 100")
          Integer weight) {}

  /**
   * Connection limits towards the destination (Istio {@code connectionPool}).
   *
   * @param maxConnections TCP connections to the destination, per calling sidecar
   * @param maxPendingRequests HTTP/1.1 requests waiting for a connection
   * @param maxRequestsPerConnection requests per connection before it is closed; 1 disables
   *     keep-alive
   */
  public record ConnectionPool(
      @Min(value = 1, message = "must be between 1 and 1000000")
          @Max(value = 1_000_000, message = "must be between 1 and 1000000")
          Integer maxConnections,
      @Min(value = 1, message = "must be between 1 and 1000000")
          @Max(value = 1_000_000, message = "must be between 1 and 1000000")
          Integer maxPendingRequests,
      @Min(value = 1, message = "must be between 1 and 1000000")
          @Max(value = 1_000_000, message = "must be between 1 and 1000000")
          Integer maxRequestsPerConnection) {}

  /**
   * Ejection of endpoints that keep failing (Istio {@code outlierDetection}).
   *
   * @param consecutive5xxErrors 5xx answers in a row that eject an endpoint
   * @param intervalSeconds how often endpoints are examined
   * @param baseEjectionSeconds how long an endpoint stays ejected the first time
   * @param maxEjectionPercent the most endpoints that may be ejected at once
   */
  public record OutlierDetection(
      @NotNull(message = "is required")
          @Min(value = 1, message = "must be between 1 and 1000")
          @Max(value = 1000, message = "must be between 1 and 1000")
          Integer consecutive5xxErrors,
      @Min(value = 1, message = "must be between 1 and 3600")
          @Max(value = 3600, message = "must be between 1 and 3600")
          Integer intervalSeconds,
      @Min(value = 1, message = "must be between 1 and 3600")
          @Max(value = 3600, message = "must be between 1 and 3600")
          Integer baseEjectionSeconds,
      @Min(value = 0, message = "must be between 0 and 100")
          @Max(value = 100, message = "must be between 0 and 100")
          Integer maxEjectionPercent) {}

  /** As stored in the catalog (JSON-B, fields left out when unset). */
  public String toJson() {
    return Codec.JSONB.toJson(this);
  }

  /** What {@link #toJson} wrote, or null for null. */
  public static MeshDestination fromJson(String json) {
    return json == null || json.isBlank()
        ? null
        : Codec.JSONB.fromJson(json, MeshDestination.class);
  }

  /** Created on first use: the runtime's JSON-B provider may not be there when the class loads. */
  private static final class Codec {
    static final Jsonb JSONB = JsonbBuilder.create();
  }

  /** The labels that select the destination's workloads. */
  public Map<String, String> selector() {
    return workloadLabels == null || workloadLabels.isEmpty()
        ? Map.of("app", service)
        : workloadLabels;
  }

  /** The pod label that names a version. */
  public String versionLabelOrDefault() {
    return versionLabel == null || versionLabel.isBlank() ? DEFAULT_VERSION_LABEL : versionLabel;
  }

  /** The Service's cluster-local host name. */
  public String host() {
    return service + "." + namespace + ".svc.cluster.local";
  }

  /**
   * Rules that annotations cannot say: weights of a route with several backends are given and add
   * up to 100, and a route names each version once. Each message starts with the field's path.
   */
  public List<String> routeProblems() {
    ArrayList<String> problems = new ArrayList<>();
    if (namespace != null && RESERVED_NAMESPACES.contains(namespace)) {
      problems.add(
          "namespace: must not be "
              + namespace
              + ": a policy there can reach the workloads of other namespaces");
    }
    if (defaultRoute != null) {
      routeProblems("defaultRoute", defaultRoute, problems);
    }
    if (plans != null) {
      new TreeMap<>(plans)
          .forEach(
              (plan, route) -> {
                if (plan != null && route != null) {
                  routeProblems("plans." + plan, route, problems);
                }
              });
    }
    return problems;
  }

  private void routeProblems(String at, List<Backend> route, List<String> problems) {
    if (route.stream().anyMatch(b -> b == null || b.subset() == null)) {
      return; // the annotations report these
    }
    for (Backend b : route) {
      if (service != null && service.length() + 1 + b.subset().length() > 63) {
        problems.add(
            at
                + ": "
                + service
                + "-"
                + b.subset()
                + " (the version's Service in the Gateway API form) must be at most 63"
                + " characters");
      }
    }
    if (route.stream().map(Backend::subset).distinct().count() < route.size()) {
      problems.add(at + ": must name each version once");
    }
    if (route.size() > 1) {
      if (route.stream().anyMatch(b -> b.weight() == null)) {
        problems.add(at + ": every backend needs a weight when a route has more than one");
      } else {
        int sum = route.stream().mapToInt(Backend::weight).sum();
        if (sum != 100) {
          problems.add(at + ": weights must add up to 100 (they add up to " + sum + ")");
        }
      }
    }
  }
}
