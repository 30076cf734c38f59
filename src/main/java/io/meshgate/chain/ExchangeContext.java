package io.meshgate.chain;

import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.PlanSnapshot;
import io.meshgate.catalog.runtime.SubscriptionSnapshot;
import java.net.InetAddress;
import java.time.Instant;

/**
 * Everything one call carries through the chain: what the client sent, what the gateway decided
 * about it, and what will be sent upstream. The only mutable per-request state; policies are shared
 * and immutable.
 */
public final class ExchangeContext {
  private final Instant receivedAt;
  private final String method;
  private final ApiSnapshot api;
  private final String upstreamPath;
  private String rawQuery;
  private final InetAddress clientAddress;
  private final HeaderList requestHeaders;
  private final HeaderList upstreamHeaders;

  private AppSnapshot app;
  private PlanSnapshot plan;
  private SubscriptionSnapshot subscription;
  private HeaderList responseHeaders;
  private String gatewayAuthorization;
  private String requestId;
  private java.util.Set<String> tokenScopes;
  private EndUser endUser;
  private long catalogGeneration = -1;
  private PolicyStage refusedBy;
  private PolicyChain.StageObserver stageObserver;
  private long bodyBytesOut;

  /**
   * @param upstreamPath the request path below the API's base path, raw (still percent-encoded)
   * @param rawQuery the query string exactly as received, or {@code null}
   * @param requestHeaders what the client sent; never sent upstream as such
   * @param upstreamHeaders what will be sent upstream, already stripped of reserved and hop-by-hop
   *     fields
   */
  public ExchangeContext(
      Instant receivedAt,
      String method,
      ApiSnapshot api,
      String upstreamPath,
      String rawQuery,
      InetAddress clientAddress,
      HeaderList requestHeaders,
      HeaderList upstreamHeaders) {
    this.receivedAt = receivedAt;
    this.method = method;
    this.api = api;
    this.upstreamPath = upstreamPath;
    this.rawQuery = rawQuery;
    this.clientAddress = clientAddress;
    this.requestHeaders = requestHeaders;
    this.upstreamHeaders = upstreamHeaders;
  }

  private java.security.cert.X509Certificate[] clientCertificates;
  private String certificateThumbprint;

  /** The certificate chain the client presented in the TLS handshake (leaf first), or null. */
  public java.security.cert.X509Certificate[] clientCertificates() {
    return clientCertificates;
  }

  public void clientCertificates(java.security.cert.X509Certificate[] chain) {
    this.clientCertificates = chain;
  }

  /**
   * The base64url SHA-256 thumbprint of the client certificate the app authenticated with (RFC 8705
   * {@code x5t#S256}), or null: the mesh token binds to it.
   */
  public String certificateThumbprint() {
    return certificateThumbprint;
  }

  public void certificateThumbprint(String thumbprint) {
    this.certificateThumbprint = thumbprint;
  }

  public Instant receivedAt() {
    return receivedAt;
  }

  public String method() {
    return method;
  }

  public ApiSnapshot api() {
    return api;
  }

  public String upstreamPath() {
    return upstreamPath;
  }

  public String rawQuery() {
    return rawQuery;
  }

  /** Replaces the query sent upstream, e.g. without the API key parameter. */
  public void rawQuery(String query) {
    this.rawQuery = query;
  }

  public InetAddress clientAddress() {
    return clientAddress;
  }

  public HeaderList requestHeaders() {
    return requestHeaders;
  }

  public HeaderList upstreamHeaders() {
    return upstreamHeaders;
  }

  /** The authenticated app, or {@code null} before client-auth ran. */
  public AppSnapshot app() {
    return app;
  }

  public void app(AppSnapshot app) {
    this.app = app;
  }

  /** The plan of the app's active subscription for this API, or {@code null}. */
  public PlanSnapshot plan() {
    return plan;
  }

  public void plan(PlanSnapshot plan) {
    this.plan = plan;
  }

  /** The app's active subscription for this API, or {@code null}. */
  public SubscriptionSnapshot subscription() {
    return subscription;
  }

  /** Records the active subscription found and its plan. */
  public void subscription(SubscriptionSnapshot subscription) {
    this.subscription = subscription;
    this.plan = subscription.plan();
  }

  /**
   * Headers the gateway adds to its answer to the client, whether the call is refused or proxied
   * (for example {@code RateLimit-Remaining}); on a proxied call they replace upstream fields of
   * the same name. Never sent upstream.
   */
  public HeaderList responseHeaders() {
    if (responseHeaders == null) {
      responseHeaders = new HeaderList(4);
    }
    return responseHeaders;
  }

  /** Whether any response header was set, without allocating. */
  public boolean hasResponseHeaders() {
    return responseHeaders != null && responseHeaders.size() > 0;
  }

  /**
   * The gateway's token for the upstream request as its {@code Authorization} value ({@code Bearer
   * <token>}), or {@code null} when no token policy ran.
   */
  public String gatewayAuthorization() {
    return gatewayAuthorization;
  }

  public void gatewayAuthorization(String authorization) {
    this.gatewayAuthorization = authorization;
  }

  public String requestId() {
    return requestId;
  }

  public void requestId(String requestId) {
    this.requestId = requestId;
  }

  /**
   * The scopes of the bearer token the caller presented, or {@code null} when it authenticated
   * without a token (API key, client credentials): then only its plan's scopes count.
   */
  public java.util.Set<String> tokenScopes() {
    return tokenScopes;
  }

  public void tokenScopes(java.util.Set<String> scopes) {
    this.tokenScopes = scopes;
  }

  /** The end user of an external identity provider's token, or {@code null}. */
  public EndUser endUser() {
    return endUser;
  }

  public void endUser(EndUser endUser) {
    this.endUser = endUser;
  }

  /**
   * The catalog cache's eviction generation taken before this request read any snapshot, or {@code
   * -1} when unknown: what it derives from them is cached only if no eviction ran since.
   */
  public long catalogGeneration() {
    return catalogGeneration;
  }

  public void catalogGeneration(long generation) {
    this.catalogGeneration = generation;
  }

  /** The stage of the policy that refused the call, or {@code null}. */
  public PolicyStage refusedBy() {
    return refusedBy;
  }

  public void refusedBy(PolicyStage stage) {
    this.refusedBy = stage;
  }

  /** Told when the chain enters and leaves a stage (tracing), or {@code null}. */
  public PolicyChain.StageObserver stageObserver() {
    return stageObserver;
  }

  public void stageObserver(PolicyChain.StageObserver observer) {
    this.stageObserver = observer;
  }

  /** Response body bytes written to the client so far. */
  public long bodyBytesOut() {
    return bodyBytesOut;
  }

  public void addBodyBytesOut(long bytes) {
    this.bodyBytesOut += bytes;
  }
}
