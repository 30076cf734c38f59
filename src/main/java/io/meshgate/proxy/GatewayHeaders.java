package io.meshgate.proxy;

import io.meshgate.chain.HeaderList;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Names of the headers the gateway sets for the mesh, and the rule for which client headers are
 * reserved. A reserved header never passes from the client to the mesh, in any spelling: only the
 * gateway may say which app and plan a call belongs to.
 */
@ApplicationScoped
public class GatewayHeaders {
  private static final java.util.regex.Pattern WELL_FORMED_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /**
   * {@code $ws} is the prefix of the private headers of WebSphere's and Liberty's web server
   * plug-in ({@code $WSSC}, {@code $WSIS}, {@code $WSRA}, ...): a Liberty behind the gateway could
   * trust them as the request's scheme, security or client address.
   */
  private static final List<String> RESERVED_PREFIXES =
      List.of("x-meshgate-", "x-envoy-", "x-istio-", "x-forwarded-", "$ws");

  private static final Set<String> ALWAYS_RESERVED =
      Set.of(
          "authorization",
          "x-api-key",
          "x-forwarded-client-cert",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-host",
          "x-forwarded-port",
          "forwarded",
          "x-real-ip",
          "host",
          "content-length",
          "expect",
          // The plug-in's other private header (_WS_HAPRT_WLMVERSION), normalized.
          "-ws-haprt-wlmversion");

  @Inject
  @ConfigProperty(name = "meshgate.headers.client-id", defaultValue = "x-client-id")
  String clientId;

  @Inject
  @ConfigProperty(name = "meshgate.headers.client-plan", defaultValue = "x-client-plan")
  String clientPlan;

  @Inject
  @ConfigProperty(name = "meshgate.headers.api-product", defaultValue = "x-api-product")
  String apiProduct;

  @Inject
  @ConfigProperty(name = "meshgate.headers.request-id", defaultValue = "x-request-id")
  String requestId;

  @Inject
  @ConfigProperty(name = "meshgate.headers.reserved")
  Optional<List<String>> extraReserved;

  private Set<String> reserved;

  public GatewayHeaders() {}

  /** For unit tests: the default names plus extras. */
  public static GatewayHeaders defaults(String... extra) {
    GatewayHeaders h = new GatewayHeaders();
    h.clientId = "x-client-id";
    h.clientPlan = "x-client-plan";
    h.apiProduct = "x-api-product";
    h.requestId = "x-request-id";
    h.extraReserved = Optional.of(List.of(extra));
    h.init();
    return h;
  }

  @PostConstruct
  void init() {
    Set<String> names = new HashSet<>(ALWAYS_RESERVED);
    names.add(HeaderList.normalize(clientId));
    names.add(HeaderList.normalize(clientPlan));
    names.add(HeaderList.normalize(apiProduct));
    names.add(HeaderList.normalize(requestId));
    extraReserved.ifPresent(list -> list.forEach(n -> names.add(HeaderList.normalize(n.trim()))));
    reserved = Set.copyOf(names);
  }

  /** Whether a client must never set this (normalized) header name towards the mesh. */
  public boolean isReserved(String normalizedName) {
    if (reserved.contains(normalizedName)) {
      return true;
    }
    for (String prefix : RESERVED_PREFIXES) {
      if (normalizedName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The request id to use: the client's when it sent exactly one well-formed id (short, printable,
   * nothing that could split a log line), else a new UUID.
   */
  public String requestIdOf(HeaderList requestHeaders) {
    List<String> sent = requestHeaders.all(requestId);
    if (sent.size() == 1 && WELL_FORMED_ID.matcher(sent.get(0)).matches()) {
      return sent.get(0);
    }
    return java.util.UUID.randomUUID().toString();
  }

  public String clientId() {
    return clientId;
  }

  public String clientPlan() {
    return clientPlan;
  }

  public String apiProduct() {
    return apiProduct;
  }

  public String requestId() {
    return requestId;
  }
}
