package io.meshgate.proxy;

import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.HeaderList;
import io.meshgate.support.Problem;
import io.meshgate.telemetry.Call;
import io.meshgate.telemetry.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Forwards a call to the mesh and streams the answer back. Apache HttpClient 5 (classic, pooled,
 * keep-alive): it sends any method (PATCH included), keeps the request target byte for byte, and
 * gives full control over retries. A request is retried at most once, only when it is a GET, HEAD
 * or OPTIONS without a body and failed because a pooled connection had been closed by the upstream;
 * nothing else is ever retried, so a non-idempotent call reaches the upstream at most once.
 */
@ApplicationScoped
public class UpstreamClient {
  private static final int BUFFER = 16 * 1024;

  /** The answer copy's buffer of each request thread (Liberty's executor threads are pooled). */
  private static final ThreadLocal<byte[]> COPY_BUFFERS =
      ThreadLocal.withInitial(() -> new byte[BUFFER]);

  private static final Set<String> RETRYABLE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  @Inject
  @ConfigProperty(name = "meshgate.upstream.connect-timeout-ms", defaultValue = "2000")
  int connectTimeoutMs;

  @Inject
  @ConfigProperty(name = "meshgate.upstream.read-timeout-ms", defaultValue = "30000")
  int readTimeoutMs;

  @Inject
  @ConfigProperty(name = "meshgate.upstream.max-connections", defaultValue = "512")
  int maxConnections;

  @Inject UpstreamTls tls;

  private PoolingHttpClientConnectionManager pool;
  private CloseableHttpClient client;

  @PostConstruct
  void start() {
    pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setTlsSocketStrategy(tls == null ? null : tls.strategy())
            .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
            .setConnPoolPolicy(PoolReusePolicy.LIFO)
            .setMaxConnTotal(maxConnections)
            .setMaxConnPerRoute(maxConnections)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMs))
                    .setSocketTimeout(Timeout.ofMilliseconds(readTimeoutMs))
                    .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                    .setTimeToLive(TimeValue.ofMinutes(5))
                    .build())
            .build();
    client =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setRetryStrategy(new StaleConnectionRetry())
            .disableRedirectHandling()
            .disableContentCompression()
            .disableCookieManagement()
            .disableAuthCaching()
            .evictIdleConnections(TimeValue.ofSeconds(30))
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(Timeout.ofMilliseconds(readTimeoutMs))
                    .setConnectionRequestTimeout(Timeout.ofMilliseconds(connectTimeoutMs))
                    .build())
            .build();
    if (telemetry != null) {
      poolMetrics();
    }
  }

  @Inject Telemetry telemetry;

  /** {@code meshgate_upstream_connections{state}}: the outbound pool, read at each collection. */
  private void poolMetrics() {
    AttributeKey<String> state = AttributeKey.stringKey("state");
    Attributes leased = Attributes.of(state, "leased");
    Attributes available = Attributes.of(state, "available");
    Attributes pending = Attributes.of(state, "pending");
    Attributes max = Attributes.of(state, "max");
    telemetry
        .meter()
        .gaugeBuilder("meshgate.upstream.connections")
        .ofLongs()
        .setDescription("Connections of the upstream pool: leased, available (idle), pending, max")
        .setUnit("{connection}")
        .buildWithCallback(
            m -> {
              PoolStats stats = pool.getTotalStats();
              m.record(stats.getLeased(), leased);
              m.record(stats.getAvailable(), available);
              m.record(stats.getPending(), pending);
              m.record(stats.getMax(), max);
            });
  }

  @PreDestroy
  void stop() {
    client.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
  }

  /**
   * Sends the exchange's request upstream and copies the response to {@code out}.
   *
   * @param body the request body, or {@code null}
   * @param contentLength the body's length, or -1 when unknown (chunked)
   * @throws UpstreamException when nothing was written to {@code out}: the caller sends the problem
   */
  public void forward(
      ExchangeContext exchange,
      InputStream body,
      long contentLength,
      HttpServletResponse out,
      Call call)
      throws UpstreamException, IOException {
    URI base = exchange.api().upstreamUrl();
    HttpHost target = new HttpHost(base.getScheme(), base.getHost(), base.getPort());
    BasicClassicHttpRequest request =
        new BasicClassicHttpRequest(exchange.method(), target, requestTarget(base, exchange));
    exchange.upstreamHeaders().forEach(request::addHeader);
    if (body != null) {
      request.setEntity(new InputStreamEntity(body, contentLength, null));
    }
    HttpClientContext context = HttpClientContext.create();
    Integer readOverride = exchange.api().readTimeoutMs();
    if (readOverride != null) {
      context.setRequestConfig(
          RequestConfig.custom()
              .setResponseTimeout(Timeout.ofMilliseconds(readOverride))
              .setConnectionRequestTimeout(Timeout.ofMilliseconds(connectTimeoutMs))
              .build());
    }
    ClassicHttpResponse response;
    try {
      response = client.executeOpen(target, request, context);
      call.upstreamEnds(response.getCode());
    } catch (ClientBody.MalformedException e) {
      throw e; // the client's fault, not the upstream's: the caller answers 400
    } catch (ConnectTimeoutException e) {
      throw timeout("Could not connect to the upstream service in time", e);
    } catch (SocketTimeoutException e) {
      throw timeout("The upstream service did not answer in time", e);
    } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
      throw unavailable("The upstream service is not reachable", e);
    } catch (InterruptedIOException e) {
      throw timeout("The upstream service did not answer in time", e);
    } catch (SSLException e) {
      throw new UpstreamException(UpstreamTls.problem(e), e);
    } catch (IOException e) {
      throw unavailable("The upstream service failed: " + e.getClass().getSimpleName(), e);
    }
    try {
      copyResponse(response, out, exchange);
    } finally {
      response.close();
    }
  }

  /**
   * Whether an upstream's {@code Set-Cookie} would plant one of the gateway's own cookies (the
   * developer portal's session or sign-in cookie, which share the data port's origin with every
   * API): such a header is dropped, so no upstream can fix or replace a developer's session.
   */
  static boolean setsGatewayCookie(String setCookie) {
    int eq = setCookie.indexOf('=');
    String name = (eq < 0 ? setCookie : setCookie.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
    return name.contains("meshgate-portal");
  }

  private static void copyResponse(
      ClassicHttpResponse response, HttpServletResponse out, ExchangeContext exchange)
      throws IOException {
    String method = exchange.method();
    out.setStatus(response.getCode());
    Header[] fields = response.getHeaders(); // a new array per call to getHeaders()
    HeaderList headers = new HeaderList(fields.length);
    for (Header h : fields) {
      headers.add(h.getName(), h.getValue());
    }
    Set<String> hopByHop = HopByHopHeaders.of(headers);
    HeaderList own = exchange.hasResponseHeaders() ? exchange.responseHeaders() : null;
    headers.forEachField(
        (name, n, value) -> {
          if (!hopByHop.contains(n)
              && !n.equals("content-length")
              && (own == null || !own.contains(n))
              && !(n.equals("set-cookie") && setsGatewayCookie(value))) {
            out.addHeader(name, value);
          }
        });
    if (own != null) {
      own.forEach(out::addHeader);
    }
    HttpEntity entity = response.getEntity();
    String length = headers.first("content-length");
    if (length != null && ("HEAD".equals(method) || entity == null)) {
      out.setHeader("Content-Length", length);
    }
    if (entity == null) {
      out.flushBuffer();
      return;
    }
    long entityLength = entity.getContentLength();
    if (entityLength >= 0) {
      out.setContentLengthLong(entityLength);
    }
    try (InputStream in = entity.getContent()) {
      OutputStream os = out.getOutputStream();
      // One buffer per request thread, reused by every call it serves: a new buffer per call was
      // the largest single part of what a call allocated (16 KiB for 1 KiB answers; then the
      // answer's size, still ~5 % of a call's allocation samples).
      byte[] buffer = COPY_BUFFERS.get();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        os.write(buffer, 0, n);
        exchange.addBodyBytesOut(n);
      }
      os.flush();
    }
    out.flushBuffer();
  }

  /**
   * Bytes of the request head this exchange would send: request line (method, target, version) and
   * header block, as HTTP/1.1 writes them.
   */
  public static long requestHeadBytes(ExchangeContext exchange) {
    return exchange.method().length()
        + " ".length()
        + requestTarget(exchange.api().upstreamUrl(), exchange).length()
        + " HTTP/1.1\r\n".length()
        + exchange.upstreamHeaders().wireSize();
  }

  /** Upstream base path + the path below the API's base path + the query, none of it re-encoded. */
  static String requestTarget(URI base, ExchangeContext exchange) {
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    if (basePath.endsWith("/") && exchange.upstreamPath().startsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    String path = basePath + exchange.upstreamPath();
    if (path.isEmpty()) {
      path = "/";
    }
    String query = exchange.rawQuery();
    return query == null ? path : path + "?" + query;
  }

  private static UpstreamException timeout(String detail, Exception cause) {
    return new UpstreamException(new Problem(504, UpstreamException.TIMEOUT, detail), cause);
  }

  private static UpstreamException unavailable(String detail, Exception cause) {
    return new UpstreamException(new Problem(502, UpstreamException.UNAVAILABLE, detail), cause);
  }

  /** Retries once, only a bodiless safe request on a connection the upstream had closed. */
  static final class StaleConnectionRetry implements HttpRequestRetryStrategy {
    @Override
    public boolean retryRequest(
        HttpRequest request, IOException exception, int execCount, HttpContext context) {
      return execCount <= 1
          && exception instanceof NoHttpResponseException
          && RETRYABLE_METHODS.contains(request.getMethod())
          && !(request instanceof BasicClassicHttpRequest r && r.getEntity() != null);
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
      return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
      return TimeValue.ZERO_MILLISECONDS;
    }
  }
}
