package io.meshgate.facade;

import io.meshgate.catalog.DatabaseOutage;
import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.HeaderList;
import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.PolicyChain;
import io.meshgate.chain.PolicyChainFactory;
import io.meshgate.chain.PolicyResult;
import io.meshgate.edge.EdgeRequest;
import io.meshgate.proxy.ClientBody;
import io.meshgate.proxy.GatewayHeaders;
import io.meshgate.proxy.HopByHopHeaders;
import io.meshgate.proxy.UpstreamClient;
import io.meshgate.proxy.UpstreamException;
import io.meshgate.support.CidrBlock;
import io.meshgate.support.Problem;
import io.meshgate.telemetry.Call;
import io.meshgate.telemetry.CallTelemetry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** One API call: resolve the API, run its chain, forward, answer. */
@ApplicationScoped
public class Gateway {
  private static final Logger LOG = Logger.getLogger(Gateway.class.getName());
  public static final String ROUTE_NOT_FOUND = "ROUTE_NOT_FOUND";
  public static final String INVALID_PATH = "INVALID_PATH";
  public static final String REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE";
  public static final String REQUEST_HEADERS_TOO_LARGE = "REQUEST_HEADERS_TOO_LARGE";
  public static final String API_MISCONFIGURED = "API_MISCONFIGURED";
  public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
  public static final String REQUEST_BODY_MALFORMED = "REQUEST_BODY_MALFORMED";

  @Inject ApiResolver resolver;
  @Inject CatalogCache catalog;
  @Inject PolicyChainFactory chains;
  @Inject UpstreamClient upstream;
  @Inject GatewayHeaders gatewayHeaders;
  @Inject Clock clock;
  @Inject Listeners listeners;
  @Inject CallTelemetry telemetry;

  @Inject
  @ConfigProperty(name = "meshgate.proxy.max-request-bytes", defaultValue = "10485760")
  long maxRequestBytes;

  /**
   * Largest request head sent upstream: method, request target and header fields. Envoy refuses a
   * head over 60 KiB by default; the default leaves 4 KiB of it for what the HTTP client and the
   * sidecars add, so an oversized call fails here with a clear answer instead of at the mesh.
   */
  @Inject
  @ConfigProperty(name = "meshgate.proxy.max-upstream-header-bytes", defaultValue = "57344")
  long maxUpstreamHeaderBytes;

  /**
   * Most header fields sent upstream. Envoy refuses more than 100 by default; the default leaves 10
   * for the fields the HTTP client and the sidecars add.
   */
  @Inject
  @ConfigProperty(name = "meshgate.proxy.max-upstream-header-fields", defaultValue = "90")
  int maxUpstreamHeaderFields;

  /** Proxies whose X-Forwarded-For we extend instead of replacing (CIDR list). */
  @Inject
  @ConfigProperty(name = "meshgate.proxy.trusted-proxies")
  Optional<List<String>> trustedProxyConfig;

  private List<CidrBlock> trustedProxies;
  private final Set<String> reportedBadChains = ConcurrentHashMap.newKeySet();

  @PostConstruct
  void init() {
    List<CidrBlock> blocks = new ArrayList<>();
    trustedProxyConfig.ifPresent(list -> list.forEach(v -> blocks.add(CidrBlock.parse(v))));
    trustedProxies = List.copyOf(blocks);
  }

  /**
   * Handles one API call.
   *
   * @param canonicalPath the request's path as {@link CanonicalPath#of} made it
   */
  public void handle(HttpServletRequest req, HttpServletResponse resp, String canonicalPath) {
    long startNanos = System.nanoTime();
    Instant receivedAt = clock.instant();
    HeaderList requestHeaders =
        req.getAttribute(EdgeFilter.REQUEST_HEADERS) instanceof HeaderList read
            ? read
            : readHeaders(req);
    Call call = telemetry.begin(requestHeaders, req.getMethod(), receivedAt, startNanos);
    try {
      handle(req, resp, canonicalPath, requestHeaders, call, receivedAt);
    } finally {
      call.end(resp.getStatus());
    }
  }

  private void handle(
      HttpServletRequest req,
      HttpServletResponse resp,
      String canonicalPath,
      HeaderList requestHeaders,
      Call call,
      Instant receivedAt) {
    String requestId = null;
    try {
      requestId = gatewayHeaders.requestIdOf(requestHeaders);
      call.requestId(requestId);
      call.clientAddress(req.getRemoteAddr());
      long catalogGeneration = catalog.generation(); // before the first snapshot is read
      ApiResolver.Route route = resolver.resolve(canonicalPath, req.getRequestURI());
      if (route == null) {
        reply(
            call,
            resp,
            new Problem(404, ROUTE_NOT_FOUND, "No API is published at " + shortened(canonicalPath)),
            requestId);
        return;
      }
      call.route(
          route.api().name(),
          route.api().version(),
          route.api().basePath(),
          !route.remainder().isEmpty() && !route.remainder().equals("/"));
      PolicyChain chain;
      try {
        chain = chains.chainFor(route.api());
      } catch (InvalidPolicyConfigException e) {
        if (reportedBadChains.add(route.api().id() + "@" + route.api().revision())) {
          LOG.severe(
              "MESHGATE-CHAIN: API '"
                  + route.api().name()
                  + "' revision "
                  + route.api().revision()
                  + " has an invalid policy config: "
                  + e.getMessage());
        }
        reply(
            call,
            resp,
            new Problem(502, API_MISCONFIGURED, "This API is misconfigured on the gateway"),
            requestId);
        return;
      }
      InetAddress remote = InetAddress.getByName(req.getRemoteAddr());
      HeaderList upstreamHeaders = upstreamHeaders(requestHeaders, remote, req);
      ExchangeContext exchange =
          new ExchangeContext(
              receivedAt,
              req.getMethod(),
              route.api(),
              route.remainder(),
              req.getQueryString(),
              clientAddress(remote, requestHeaders),
              requestHeaders,
              upstreamHeaders);
      exchange.requestId(requestId);
      exchange.catalogGeneration(catalogGeneration);
      if (req.getAttribute(EdgeRequest.CERTIFICATES)
          instanceof java.security.cert.X509Certificate[] certificates) {
        exchange.clientCertificates(certificates);
      }
      call.clientAddress(exchange.clientAddress().getHostAddress());
      call.exchange(exchange);

      long length = req.getContentLengthLong();
      if (length > maxRequestBytes) {
        reply(call, resp, tooLarge(), requestId);
        return;
      }
      // What the client alone would have forwarded is measured before the policies, so a call
      // refused for it uses no quota; the policies' own fields are measured after them.
      String tooManyHeaders = headersOverLimit(exchange);
      if (tooManyHeaders != null) {
        reply(call, resp, new Problem(431, REQUEST_HEADERS_TOO_LARGE, tooManyHeaders), requestId);
        return;
      }
      PolicyResult result = chain.apply(exchange);
      if (result instanceof PolicyResult.Reject reject) {
        Map<String, String> headers = ownResponseHeaders(exchange);
        headers.putAll(reject.headers());
        reply(
            call,
            resp,
            new Problem(reject.status(), reject.errorKey(), reject.message(), headers),
            requestId);
        return;
      }
      tooManyHeaders = headersOverLimit(exchange);
      if (tooManyHeaders != null) {
        reply(
            call,
            resp,
            new Problem(
                431, REQUEST_HEADERS_TOO_LARGE, tooManyHeaders, ownResponseHeaders(exchange)),
            requestId);
        return;
      }
      InputStream body = null;
      boolean chunked = requestHeaders.contains("transfer-encoding");
      if (length > 0) {
        body = new ClientBody(req.getInputStream());
      } else if (chunked) {
        // Buffered whole, so a malformed chunked body is refused before anything goes upstream.
        byte[] buffered;
        try {
          buffered = readUpTo(req.getInputStream(), maxRequestBytes);
        } catch (IOException e) {
          throw new ClientBody.MalformedException(e);
        }
        if (buffered == null) {
          reply(call, resp, tooLarge(), requestId);
          return;
        }
        body = new ByteArrayInputStream(buffered);
        length = buffered.length;
      }
      call.bytesIn(length);
      call.upstreamStarts(exchange.upstreamHeaders());
      try {
        upstream.forward(exchange, body, length, resp, call);
      } catch (UpstreamException e) {
        LOG.log(
            Level.FINE, "Upstream of " + route.api().name() + " failed, request " + requestId, e);
        reply(call, resp, e.problem(), requestId);
      }
    } catch (ClientBody.MalformedException e) {
      // The client's body, not the upstream, failed: its framing broke or it ended early.
      LOG.log(Level.FINE, "Malformed body on request " + requestId, e);
      if (!resp.isCommitted()) {
        reply(
            call,
            resp,
            new Problem(
                400,
                REQUEST_BODY_MALFORMED,
                "The request body is malformed: " + e.reason(),
                RequestFraming.CLOSE),
            requestId);
      }
    } catch (IOException | UncheckedIOException e) {
      // The client went away or the response broke mid-body: nothing useful can be sent.
      LOG.log(Level.FINE, "I/O failure on request " + requestId, e);
      if (!resp.isCommitted()) {
        reply(
            call,
            resp,
            new Problem(502, UpstreamException.UNAVAILABLE, "The call could not be completed"),
            requestId);
      }
    } catch (RuntimeException e) {
      if (DatabaseOutage.isCause(e)) {
        // A cache miss during a database outage; what is cached keeps serving.
        LOG.log(Level.FINE, "Catalog unavailable for request " + requestId, e);
        if (!resp.isCommitted()) {
          reply(call, resp, DatabaseOutage.problem(), requestId);
        }
        return;
      }
      LOG.log(Level.SEVERE, "MESHGATE-INTERNAL: request " + requestId + " failed", e);
      if (!resp.isCommitted()) {
        reply(
            call,
            resp,
            new Problem(500, INTERNAL_ERROR, "Internal error; quote request id " + requestId),
            requestId);
      }
    }
  }

  /** The headers the policies set for the caller (rate-limit state), for a refusal after them. */
  private static Map<String, String> ownResponseHeaders(ExchangeContext exchange) {
    Map<String, String> own = new java.util.LinkedHashMap<>();
    if (exchange.hasResponseHeaders()) {
      exchange.responseHeaders().forEach(own::put);
    }
    return own;
  }

  /** A path as quoted back in a problem: its first 256 characters, as it may be a megabyte long. */
  static String shortened(String path) {
    return path.length() <= 256 ? path : path.substring(0, 256) + "...";
  }

  /**
   * Why the upstream's sidecar would refuse this request's head, or {@code null} if it would not.
   */
  private String headersOverLimit(ExchangeContext exchange) {
    int fields = exchange.upstreamHeaders().size();
    if (fields > maxUpstreamHeaderFields) {
      return "The request would reach the service with "
          + fields
          + " header fields, more than the "
          + maxUpstreamHeaderFields
          + " this gateway sends upstream";
    }
    long bytes = UpstreamClient.requestHeadBytes(exchange);
    if (bytes > maxUpstreamHeaderBytes) {
      return "The request's method, target and headers make "
          + bytes
          + " bytes to forward, more than the "
          + maxUpstreamHeaderBytes
          + " this gateway sends upstream";
    }
    return null;
  }

  private Problem tooLarge() {
    return new Problem(
        413, REQUEST_TOO_LARGE, "The request body is larger than " + maxRequestBytes + " bytes");
  }

  private static HeaderList readHeaders(HttpServletRequest req) {
    HeaderList headers = new HeaderList();
    // Walked as the container hands them out: copying each enumeration into a list first cost a
    // list per field on every call.
    for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements(); ) {
        headers.add(name, values.nextElement());
      }
    }
    return headers;
  }

  /**
   * What the client sent, minus hop-by-hop and reserved fields in any spelling, plus the forwarding
   * fields the gateway vouches for.
   */
  private HeaderList upstreamHeaders(
      HeaderList requestHeaders, InetAddress remote, HttpServletRequest req) {
    Set<String> hopByHop = HopByHopHeaders.of(requestHeaders);
    HeaderList out = new HeaderList(requestHeaders.size() + 8);
    requestHeaders.forEachField(
        (name, n, value) -> {
          if (!hopByHop.contains(n) && !gatewayHeaders.isReserved(n)) {
            out.add(name, value);
          }
        });
    String forwardedFor = remote.getHostAddress();
    if (isTrustedProxy(remote)) {
      List<String> chain = requestHeaders.all("x-forwarded-for");
      if (!chain.isEmpty()) {
        forwardedFor = String.join(", ", chain) + ", " + forwardedFor;
      }
    }
    out.add("X-Forwarded-For", forwardedFor);
    out.add("X-Forwarded-Proto", listeners.scheme(req));
    String host = requestHeaders.first("host");
    if (host != null) {
      out.add("X-Forwarded-Host", host);
    }
    return out;
  }

  /**
   * The caller's address: the peer, or the nearest untrusted hop when the peer is a trusted proxy.
   */
  private InetAddress clientAddress(InetAddress remote, HeaderList requestHeaders) {
    if (!isTrustedProxy(remote)) {
      return remote;
    }
    List<String> hops = new ArrayList<>();
    for (String value : requestHeaders.all("x-forwarded-for")) {
      for (String hop : value.split(",")) {
        hops.add(hop.trim());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = CidrBlock.parseLiteral(hops.get(i));
      if (hop == null) {
        return remote;
      }
      if (!isTrustedProxy(hop)) {
        return hop;
      }
    }
    return remote;
  }

  private boolean isTrustedProxy(InetAddress address) {
    for (CidrBlock block : trustedProxies) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The whole body when it has at most {@code limit} bytes, else {@code null}. */
  private static byte[] readUpTo(InputStream in, long limit) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[16 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(chunk)) >= 0) {
      total += n;
      if (total > limit) {
        return null;
      }
      buffer.write(chunk, 0, n);
    }
    return buffer.toByteArray();
  }

  /** Sends a problem as the answer to an API call, and tells the call's telemetry. */
  private static void reply(
      Call call, HttpServletResponse resp, Problem problem, String requestId) {
    call.failed(problem.errorKey());
    call.addBytesOut(send(resp, problem, requestId));
  }

  /** Sends a problem; answers the body's length in bytes (0 if it could not be sent). */
  public static int send(HttpServletResponse resp, Problem problem, String requestId) {
    try {
      resp.reset();
      resp.setStatus(problem.status());
      for (Map.Entry<String, String> h : problem.headers().entrySet()) {
        resp.setHeader(h.getKey(), h.getValue());
      }
      resp.setContentType(Problem.MEDIA_TYPE);
      byte[] body = problem.toJson(requestId).getBytes(StandardCharsets.UTF_8);
      resp.setContentLength(body.length);
      resp.getOutputStream().write(body);
      resp.flushBuffer();
      return body.length;
    } catch (IOException e) {
      LOG.log(Level.FINE, "Could not send problem " + problem.errorKey(), e);
      return 0;
    }
  }
}
