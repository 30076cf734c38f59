package io.meshgate.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.meshgate.support.Settings;
import io.meshgate.token.GatewayKeys;
import io.meshgate.token.GatewaySigner;
import io.meshgate.token.InvalidTokenException;
import io.meshgate.token.Issuer;
import io.meshgate.token.JwtProfile;
import io.meshgate.token.JwtValidator;
import io.meshgate.token.KeySource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;

/**
 * Issues and verifies the OAuth access tokens apps present as bearer tokens. Verification follows
 * RFC 8725: ES256 / RS256 only ({@code none} and HMAC never), keys only from the gateway's own key
 * set by {@code kid}, {@code typ} must be {@code at+jwt}, {@code iss}, {@code aud}, {@code exp} and
 * {@code nbf} checked with a skew, a size limit. A verified token is remembered until it expires,
 * so a steady stream of calls verifies one signature, not one per call.
 */
@ApplicationScoped
public class AccessTokens {
  public static final String TYPE = "at+jwt";
  public static final String CLAIM_CLIENT_ID = "client_id";
  public static final String CLAIM_SCOPE = "scope";

  @Inject GatewaySigner signer;
  @Inject GatewayKeys gatewayKeys;
  @Inject Issuer issuer;
  @Inject Clock clock;

  @Inject
  @ConfigProperty(name = "meshgate.oauth.token-ttl-seconds", defaultValue = "3600")
  int ttlSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.oauth.audience")
  Optional<String> configuredAudience;

  @Inject
  @ConfigProperty(name = "meshgate.oauth.clock-skew-seconds", defaultValue = "30")
  int skewSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.oauth.verified-cache-size", defaultValue = "100000")
  long cacheSize;

  private Cache<String, Cached> verified;

  @PostConstruct
  void init() {
    cacheSize = Settings.atLeast("MESHGATE_OAUTH_VERIFIED_CACHE_SIZE", cacheSize, 1, 100_000);
    verified =
        Caffeine.newBuilder()
            .maximumSize(cacheSize)
            .expireAfter(
                new Expiry<String, Cached>() {
                  @Override
                  public long expireAfterCreate(String token, Cached v, long now) {
                    return nanosUntilExpiry(v.verified());
                  }

                  @Override
                  public long expireAfterUpdate(
                      String token, Cached v, long now, long currentDuration) {
                    return nanosUntilExpiry(v.verified());
                  }

                  @Override
                  public long expireAfterRead(
                      String token, Cached v, long now, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
  }

  /** An entry lives until its token expires (plus the skew), never longer. */
  private long nanosUntilExpiry(Verified v) {
    Duration left = Duration.between(clock.instant(), v.expiresAt().plusSeconds(skewSeconds));
    return left.isNegative() ? 0 : left.toNanos();
  }

  /** What a valid access token says. */
  public record Verified(String clientId, String scope, Instant expiresAt) {}

  public String audience() {
    return configuredAudience.filter(s -> !s.isBlank()).orElseGet(issuer::url);
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /** Signs an access token for {@code clientId} with these scopes. */
  public String issue(String clientId, Collection<String> scopes) {
    long now = clock.instant().getEpochSecond();
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer.url());
    claims.setSubject(clientId);
    claims.setClaim(CLAIM_CLIENT_ID, clientId);
    claims.setAudience(audience());
    claims.setIssuedAt(NumericDate.fromSeconds(now));
    claims.setExpirationTime(NumericDate.fromSeconds(now + ttlSeconds));
    claims.setJwtId(UUID.randomUUID().toString());
    claims.setClaim(CLAIM_SCOPE, String.join(" ", scopes));
    return signer.sign(claims, TYPE).token();
  }

  /** The token's claims when it is valid now; empty otherwise. Never throws for bad input. */
  public Optional<Verified> verify(String token) {
    try {
      return Optional.of(check(token));
    } catch (InvalidTokenException e) {
      return Optional.empty();
    }
  }

  /**
   * The token's claims when it is valid now.
   *
   * @throws InvalidTokenException with a reason safe to show the caller
   */
  public Verified check(String token) {
    if (token == null || token.isEmpty() || token.length() > JwtValidator.MAX_TOKEN_CHARS) {
      throw new InvalidTokenException(
          token == null || token.isEmpty() ? "no token" : "token too large");
    }
    Instant now = clock.instant();
    // The key set this check is made against: a cached verification counts only when it was made
    // against the same set, so a key that left the JWKS stops verifying at once, even for a token
    // cached by a thread that raced with the change.
    KeySource keySet = gatewayKeys.current();
    Cached known = verified.getIfPresent(token);
    if (known != null) {
      if (known.keySet() == keySet) {
        if (now.isBefore(known.verified().expiresAt().plusSeconds(skewSeconds))) {
          return known.verified();
        }
        throw new InvalidTokenException("token expired");
      }
      verified.invalidate(token);
    }
    JwtClaims claims = JwtValidator.validate(token, profile(), keySet, now);
    Verified v;
    try {
      String clientId = claims.getStringClaimValue(CLAIM_CLIENT_ID);
      if (clientId == null || clientId.isEmpty()) {
        throw new InvalidTokenException("token names no client_id");
      }
      String scope = claims.hasClaim(CLAIM_SCOPE) ? claims.getStringClaimValue(CLAIM_SCOPE) : "";
      // Never remembered beyond the lifetime this gateway gives its tokens, whatever exp says.
      long exp = Math.min(claims.getExpirationTime().getValue(), now.getEpochSecond() + ttlSeconds);
      v = new Verified(clientId, scope, Instant.ofEpochSecond(exp));
    } catch (MalformedClaimException | RuntimeException e) {
      throw e instanceof InvalidTokenException ite
          ? ite
          : new InvalidTokenException("malformed claim");
    }
    verified.put(token, new Cached(v, keySet));
    return v;
  }

  /** A verification and the key set it was made against. */
  private record Cached(Verified verified, KeySource keySet) {}

  /** What the gateway's own access tokens must look like. */
  private JwtProfile profile() {
    JwtProfile p = profile;
    String aud = audience();
    String iss = issuer.url();
    if (p == null || !p.issuer().equals(iss) || !p.audiences().contains(aud)) {
      p =
          new JwtProfile(
              iss,
              Set.of(aud),
              JwtProfile.GATEWAY_ALGORITHMS,
              TYPE,
              Duration.ofSeconds(skewSeconds),
              false);
      profile = p;
    }
    return p;
  }

  private volatile JwtProfile profile;

  /** Forgets verified tokens (after a key change). */
  public void invalidateAll() {
    verified.invalidateAll();
  }
}
