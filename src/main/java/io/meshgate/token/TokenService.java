package io.meshgate.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.CatalogCache;
import io.meshgate.catalog.runtime.PlanSnapshot;
import io.meshgate.chain.EndUser;
import io.meshgate.metrics.GatewayMetrics;
import io.meshgate.support.Settings;
import io.meshgate.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * Mints the gateway JWTs the mesh verifies, and caches them per (app, API, plan) until shortly
 * before they expire: on a cache hit no signature is computed. A token is re-minted when less than
 * a fifth of its lifetime (at most {@code meshgate.token.refresh-before-seconds}) is left, so the
 * mesh never receives a token about to expire in flight.
 *
 * <p>A token lives the plan's TTL, but never longer than {@code meshgate.token.max-ttl}: that is
 * the longest the mesh can accept the last token of a caller the gateway has since refused. A
 * catalog change evicts the tokens of the app, plan, product or API it touched ({@link #evictApp}
 * and friends), so the gateway stops sending them at once; other apps keep theirs.
 *
 * <p>A plan or product change evicts the tokens of many apps at once. Those are re-minted ahead of
 * the calls that need them ({@link #evictPlan}, {@link #evictProduct}): a background task reloads
 * each app's snapshot and signs its new token, at most {@code meshgate.token.refresh-ahead-max} per
 * change, so that the first call of each app after the edit finds both cached instead of paying the
 * reload and the signature while the others wait behind it.
 */
@ApplicationScoped
public class TokenService {
  public static final String CLAIM_PLAN = "plan";
  public static final String CLAIM_PRODUCT = "product";
  public static final String CLAIM_APP = "app";
  public static final String CLAIM_SCOPE = "scope";
  public static final String CLAIM_ACT = "act";

  /** RFC 8705 confirmation: the client certificate the app authenticated with. */
  public static final String CLAIM_CNF = "cnf";

  /** The prefix of the upstream request's {@code Authorization} value (RFC 6750). */
  private static final String BEARER = "Bearer ";

  /** Default of {@code meshgate.token.max-ttl}. */
  public static final Duration DEFAULT_MAX_TTL = Duration.ofMinutes(5);

  /** A cap shorter than this would make a token expire while the mesh is still routing it. */
  static final Duration MIN_MAX_TTL = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger(TokenService.class.getName());

  @Inject SigningKeys keys;
  @Inject Telemetry telemetry;

  private static final Attributes HIT = Attributes.of(AttributeKey.stringKey("result"), "hit");
  private static final Attributes MISS = Attributes.of(AttributeKey.stringKey("result"), "miss");
  private LongCounter cacheLookups =
      OpenTelemetry.noop().getMeter(TokenService.class.getName()).counterBuilder("none").build();
  @Inject GatewaySigner signer;
  @Inject Issuer issuer;
  @Inject Clock clock;

  @Inject GatewayMetrics metrics;
  @Inject CatalogCache catalog;

  @Inject
  @ConfigProperty(name = "meshgate.token.refresh-before-seconds", defaultValue = "60")
  long refreshBeforeSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.token.cache-size", defaultValue = "1000000")
  long cacheSize;

  @Inject
  @ConfigProperty(name = "meshgate.token.end-user-cache-size", defaultValue = "100000")
  long endUserCacheSize;

  @Inject
  @ConfigProperty(name = "meshgate.token.max-ttl", defaultValue = "PT5M")
  String maxTtlSetting;

  @Inject
  @ConfigProperty(name = "meshgate.token.refresh-ahead-max", defaultValue = "10000")
  long refreshAheadMax;

  /** Runs the re-minting after a plan or product change; {@code null} (unit tests): inline. */
  @jakarta.annotation.Resource(lookup = "java:comp/DefaultManagedExecutorService")
  java.util.concurrent.Executor refreshExecutor;

  private long maxTtlSeconds = DEFAULT_MAX_TTL.toSeconds();

  /** Bumped before every eviction; a token minted while one ran is used but not kept. */
  private final AtomicLong evictions = new AtomicLong();

  private Cache<Key, Minted> cache;

  /** Tokens made on behalf of end users: one per person, so kept apart and smaller. */
  private Cache<Key, Minted> endUserCache;

  @PostConstruct
  void init() {
    cacheSize = Settings.atLeast("MESHGATE_TOKEN_CACHE_SIZE", cacheSize, 1, 1_000_000);
    endUserCacheSize =
        Settings.atLeast("MESHGATE_TOKEN_END_USER_CACHE_SIZE", endUserCacheSize, 1, 100_000);
    refreshAheadMax =
        Settings.atLeast("MESHGATE_TOKEN_REFRESH_AHEAD_MAX", refreshAheadMax, 0, 10_000);
    cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
    endUserCache = Caffeine.newBuilder().maximumSize(endUserCacheSize).build();
    maxTtlSeconds = maxTtl(maxTtlSetting).toSeconds();
    metrics.tokenCacheSize(() -> cache.estimatedSize() + endUserCache.estimatedSize());
    if (telemetry != null) {
      cacheLookups =
          telemetry
              .meter()
              .counterBuilder("meshgate.token.cache")
              .setDescription(
                  "Gateway token lookups per call: hit (no signature) or miss (signed or re-signed)")
              .setUnit("{lookup}")
              .build();
    }
  }

  /**
   * The cap as configured: an ISO-8601 duration or whole seconds, at least {@link #MIN_MAX_TTL}. A
   * bad value is logged and the default used, so a typo never leaves tokens uncapped.
   */
  static Duration maxTtl(String setting) {
    if (setting == null || setting.isBlank()) {
      return DEFAULT_MAX_TTL;
    }
    try {
      Duration d = KeySettings.parse("MESHGATE_TOKEN_MAX_TTL", setting);
      if (d.compareTo(MIN_MAX_TTL) < 0) {
        throw new IllegalStateException(
            "MESHGATE_TOKEN_MAX_TTL must be at least " + MIN_MAX_TTL + " (was '" + setting + "')");
      }
      return d;
    } catch (IllegalStateException e) {
      LOG.severe("MESHGATE-CONFIG: " + e.getMessage() + "; using " + DEFAULT_MAX_TTL);
      return DEFAULT_MAX_TTL;
    }
  }

  /** The longest lifetime of a mesh token, in seconds ({@code meshgate.token.max-ttl}). */
  public long maxTtlSeconds() {
    return maxTtlSeconds;
  }

  /** A valid token for this call, from the cache when one is fresh enough. */
  public String tokenFor(AppSnapshot app, ApiSnapshot api, PlanSnapshot plan, String audience) {
    return tokenFor(app, api, plan, audience, null, null);
  }

  /**
   * A valid token for this call made on behalf of {@code endUser} (or of the app alone when it is
   * {@code null}); the person goes into the {@code act} claim, RFC 8693 style, so services see both
   * the app ({@code sub}) and the person.
   *
   * @param tokenScopes the scopes of the bearer token the caller presented, or {@code null}: the
   *     mesh token's {@code scope} is the plan's, narrowed to these, so a narrow token never
   *     becomes a wide mesh token
   */
  public String tokenFor(
      AppSnapshot app,
      ApiSnapshot api,
      PlanSnapshot plan,
      String audience,
      EndUser endUser,
      Set<String> tokenScopes) {
    return tokenFor(app, api, plan, audience, endUser, tokenScopes, -1);
  }

  /**
   * As above, for a request that took the catalog's eviction generation before it read {@code app},
   * {@code api} and {@code plan} ({@code -1}: unknown). If an eviction ran since, the snapshots may
   * be stale: the token is used for this call but not cached, so an evicted app's token is gone
   * even when a call admitted just before the change was still minting one.
   */
  public String tokenFor(
      AppSnapshot app,
      ApiSnapshot api,
      PlanSnapshot plan,
      String audience,
      EndUser endUser,
      Set<String> tokenScopes,
      long catalogGeneration) {
    return authorizationFor(app, api, plan, audience, endUser, null, tokenScopes, catalogGeneration)
        .substring(BEARER.length());
  }

  /**
   * The token for this call as the upstream request's {@code Authorization} value ({@code Bearer
   * <token>}); for an app that authenticated with a client certificate the token carries {@code
   * cnf} with the certificate's {@code x5t#S256} (RFC 8705), so the mesh sees the binding, and is
   * cached per certificate (an app may hold two during a rotation). The cache keeps tokens in this
   * form, so a call that finds its token cached allocates no header value of its own.
   *
   * @param certificateThumbprint base64url SHA-256 of the certificate, or null
   */
  public String authorizationFor(
      AppSnapshot app,
      ApiSnapshot api,
      PlanSnapshot plan,
      String audience,
      EndUser endUser,
      String certificateThumbprint,
      Set<String> tokenScopes,
      long catalogGeneration) {
    String scope = scope(plan, tokenScopes);
    Key key =
        new Key(
            app.id(),
            api.id(),
            plan.id(),
            plan.productId(),
            audience,
            endUser,
            certificateThumbprint,
            scope);
    long now = clock.millis();
    Cache<Key, Minted> cache =
        endUser == null && certificateThumbprint == null ? this.cache : endUserCache;
    Minted cached = cache.getIfPresent(key);
    if (cached != null && now < cached.refreshAtMillis && cached.kid.equals(keys.active().kid())) {
      cacheLookups.add(1, HIT);
      return cached.authorization;
    }
    cacheLookups.add(1, MISS);
    return obtain(cache, key, app, plan, now, catalogGeneration);
  }

  /**
   * The token of {@code key}, in its {@code Authorization} form: the cached one when another thread
   * minted it meanwhile, else a new one, kept unless an eviction ran since the snapshots were read.
   */
  private String obtain(
      Cache<Key, Minted> cache,
      Key key,
      AppSnapshot app,
      PlanSnapshot plan,
      long now,
      long catalogGeneration) {
    long seen = evictions.get();
    Minted[] minted = new Minted[1];
    String authorization =
        cache
            .asMap()
            .compute(
                key,
                (k, current) -> {
                  if (current != null
                      && now < current.refreshAtMillis
                      && current.kid.equals(keys.active().kid())) {
                    return current;
                  }
                  minted[0] =
                      mint(app, plan, k.audience, k.endUser, k.certificateThumbprint, k.scope, now);
                  return minted[0];
                })
            .authorization;
    if (minted[0] != null
        && (evictions.get() != seen
            || (catalogGeneration >= 0
                && catalog != null
                && catalog.generation() != catalogGeneration))) {
      // Minted from snapshots read before a change that is being evicted: not kept.
      cache.asMap().remove(key, minted[0]);
    }
    return authorization;
  }

  /** Signatures computed since start (also exported as {@code meshgate_token_signatures_total}). */
  public long signatures() {
    return (long) metrics.tokenSignatures().get();
  }

  /** Forgets the tokens of one app (its state, keys or subscriptions changed). */
  public void evictApp(long appId) {
    evictWhere(k -> k.appId == appId, 0);
  }

  /**
   * Forgets the tokens minted for one plan (its scopes, TTL or name changed) and re-mints them
   * ahead of the calls (see {@link #refreshAhead}).
   */
  public void evictPlan(long planId) {
    refreshAhead(evictWhere(k -> k.planId == planId, refreshAheadMax));
  }

  /** Forgets the tokens of one product's plans (the {@code product} claim), and re-mints them. */
  public void evictProduct(long productId) {
    refreshAhead(evictWhere(k -> k.productId == productId, refreshAheadMax));
  }

  /** Forgets the tokens minted for one API (its audience, or the API itself, changed). */
  public void evictApi(long apiId) {
    evictWhere(k -> k.apiId == apiId, 0);
  }

  /**
   * A pass over the cached keys: an admin write's cost on each replica, never a request's; the
   * entries of other apps stay, so their tokens are not signed again. Returns the first {@code
   * keep} evicted keys of the app tokens' cache, for {@link #refreshAhead}.
   */
  private List<Key> evictWhere(Predicate<Key> stale, long keep) {
    evictions.incrementAndGet();
    List<Key> evicted = new ArrayList<>();
    cache
        .asMap()
        .keySet()
        .removeIf(
            k -> {
              if (!stale.test(k)) {
                return false;
              }
              if (evicted.size() < keep) {
                evicted.add(k);
              }
              return true;
            });
    endUserCache.asMap().keySet().removeIf(stale);
    return evicted;
  }

  /**
   * Re-mints, on a background thread, the tokens a plan or product change evicted (the app's own
   * tokens: those made for end users or bound to a certificate are re-minted by their next call).
   * Each is re-minted only if a call would now get exactly that token: the app is active, its
   * active subscription for the API is still on that plan, and the scope comes out the same
   * (otherwise what the next call needs cannot be told, and it mints its own). So a change re-signs
   * at most the tokens it evicted, never more: an app whose next call comes first mints it itself
   * and the refresh finds it cached. Runs after the catalog's eviction, so it reads the new
   * snapshots.
   */
  private void refreshAhead(List<Key> evicted) {
    if (evicted.isEmpty() || catalog == null) {
      return;
    }
    Runnable task =
        () -> {
          // Taken before anything is read: a token minted after a later eviction is not kept.
          long generation = catalog.generation();
          Map<Long, ApiSnapshot> apis = new java.util.HashMap<>();
          try {
            catalog.loadApps(evicted.stream().map(Key::appId).toList());
            catalog.publishedApis().forEach(a -> apis.put(a.id(), a));
          } catch (RuntimeException e) {
            LOG.fine(() -> "Tokens not re-minted ahead (" + e + "): the next calls mint them");
            return;
          }
          evicted.forEach(k -> refresh(k, apis.get(k.apiId), generation));
        };
    if (refreshExecutor == null) {
      task.run();
      return;
    }
    try {
      refreshExecutor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.fine(() -> "Tokens not re-minted ahead (" + e + "): the next calls mint them");
    }
  }

  /** Re-mints the token of {@code old} for a call to {@code api} ({@code null}: not published). */
  private void refresh(Key old, ApiSnapshot api, long generation) {
    try {
      AppSnapshot app = api == null ? null : catalog.appById(old.appId).orElse(null);
      if (app == null || !app.active()) {
        return;
      }
      var subscription = app.activeSubscriptionFor(api.productIds());
      if (subscription == null || subscription.plan().id() != old.planId) {
        return;
      }
      PlanSnapshot plan = subscription.plan();
      String scope = plan.scopeClaim();
      if (!scope.equals(old.scope)) {
        scope = scope(plan, Set.of(old.scope.split(" ")));
        if (!scope.equals(old.scope)) {
          return; // the plan's scopes changed: what the next call's token needs is unknown
        }
      }
      Key key =
          new Key(app.id(), api.id(), plan.id(), plan.productId(), old.audience, null, null, scope);
      obtain(cache, key, app, plan, clock.millis(), generation);
    } catch (RuntimeException e) {
      // SigningUnavailableException, a database that cannot be read: the next call mints it.
      LOG.fine(() -> "Token of " + old + " not re-minted ahead: " + e);
    }
  }

  /** Forgets every cached token: when a replica cannot tell what changed. */
  public void invalidateAll() {
    evictions.incrementAndGet();
    cache.invalidateAll();
    endUserCache.invalidateAll();
  }

  /** The plan's scopes, narrowed to the token's when there is one, in the plan's order. */
  private static String scope(PlanSnapshot plan, Set<String> tokenScopes) {
    if (tokenScopes == null) {
      return plan.scopeClaim();
    }
    StringBuilder s = new StringBuilder();
    for (String scope : plan.scopes()) {
      if (tokenScopes.contains(scope)) {
        s.append(s.length() == 0 ? "" : " ").append(scope);
      }
    }
    return s.toString();
  }

  private Minted mint(
      AppSnapshot app,
      PlanSnapshot plan,
      String audience,
      EndUser endUser,
      String certificateThumbprint,
      String scope,
      long nowMillis) {
    Instant now = Instant.ofEpochMilli(nowMillis);
    long ttl = Math.min(plan.tokenTtlSeconds(), maxTtlSeconds);
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer.url());
    claims.setSubject(app.clientId());
    claims.setAudience(audience);
    claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
    claims.setNotBefore(NumericDate.fromSeconds(now.getEpochSecond()));
    claims.setExpirationTime(NumericDate.fromSeconds(now.getEpochSecond() + ttl));
    claims.setJwtId(UUID.randomUUID().toString());
    claims.setClaim(CLAIM_PLAN, plan.name());
    claims.setClaim(CLAIM_PRODUCT, plan.productName());
    claims.setClaim(CLAIM_APP, app.name());
    claims.setClaim(CLAIM_SCOPE, scope);
    if (endUser != null) {
      Map<String, Object> actor = new LinkedHashMap<>();
      actor.put("sub", endUser.subject());
      actor.put("iss", endUser.issuer());
      claims.setClaim(CLAIM_ACT, actor);
    }
    if (certificateThumbprint != null) {
      claims.setClaim(CLAIM_CNF, Map.of("x5t#S256", certificateThumbprint));
    }
    GatewaySigner.Signed signed = signer.sign(claims, "JWT");
    metrics.tokenSignatures().inc();
    long refreshIn = Math.max(1, ttl - Math.min(refreshBeforeSeconds, ttl / 5));
    return new Minted(
        BEARER + signed.token(), signed.kid(), now.plusSeconds(refreshIn).toEpochMilli());
  }

  private record Key(
      long appId,
      long apiId,
      long planId,
      long productId,
      String audience,
      EndUser endUser,
      String certificateThumbprint,
      String scope) {}

  /** A cached token in its {@code Authorization} form, and when to sign it again. */
  private record Minted(String authorization, String kid, long refreshAtMillis) {}
}
