package io.meshgate.admin.security;

import io.meshgate.token.ExternalKeySets;
import io.meshgate.token.GatewayKeys;
import io.meshgate.token.GatewaySigner;
import io.meshgate.token.InvalidTokenException;
import io.meshgate.token.Issuer;
import io.meshgate.token.JwksKeys;
import io.meshgate.token.JwtProfile;
import io.meshgate.token.JwtValidator;
import io.meshgate.token.KeySource;
import io.meshgate.token.RemoteJwks;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;

/**
 * Issues admin tokens and checks them against the admin token profile. Issued tokens are signed
 * with the gateway's active key; by default only those are accepted. With {@code
 * meshgate.admin.issuer} and {@code meshgate.admin.jwks-url} set, tokens of that external identity
 * provider are accepted instead. Liberty's MicroProfile JWT ({@code mpJwt} in server.xml,
 * configured from the same variables) verifies every admin token first.
 */
@ApplicationScoped
public class AdminTokens {
  private static final Logger LOG = Logger.getLogger(AdminTokens.class.getName());

  /** Local default for {@code mvn liberty:run}; a WARN says so whenever it is in use. */
  public static final String LOCAL_DEFAULT_SECRET = "local-admin-secret-change-me";

  /** RFC 9068: the gateway's admin tokens are access tokens for the admin API. */
  static final String TYPE = "at+jwt";

  @Inject GatewaySigner signer;
  @Inject Issuer issuer;
  @Inject Clock clock;

  @Inject
  @ConfigProperty(name = "meshgate.admin.client-id", defaultValue = "meshgate-admin")
  String adminClientId;

  @Inject
  @ConfigProperty(name = "meshgate.admin.client-secret")
  Optional<String> adminClientSecret;

  @Inject
  @ConfigProperty(name = "meshgate.admin.viewer-client-id", defaultValue = "meshgate-viewer")
  String viewerClientId;

  @Inject
  @ConfigProperty(name = "meshgate.admin.viewer-client-secret")
  Optional<String> viewerClientSecret;

  @Inject
  @ConfigProperty(name = "meshgate.admin.audience", defaultValue = "meshgate-admin")
  String audience;

  @Inject
  @ConfigProperty(name = "meshgate.admin.token-ttl-seconds", defaultValue = "900")
  int ttlSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.admin.clock-skew-seconds", defaultValue = "30")
  int skewSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.admin.issuer")
  Optional<String> externalIssuer;

  @Inject
  @ConfigProperty(name = "meshgate.admin.jwks-url")
  Optional<String> externalJwksUrl;

  @Inject
  @ConfigProperty(name = "meshgate.admin.groups-claim", defaultValue = "groups")
  String groupsClaim;

  @Inject
  @ConfigProperty(name = "meshgate.admin.algorithms", defaultValue = "RS256,ES256")
  List<String> externalAlgorithms;

  @Inject
  @ConfigProperty(name = "meshgate.admin.token-type")
  Optional<String> externalType;

  @Inject
  @ConfigProperty(name = "meshgate.admin.jwks-refresh-seconds", defaultValue = "900")
  int jwksRefreshSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.admin.unknown-kid-refetch-seconds", defaultValue = "60")
  int unknownKidRefetchSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.admin.jwks-allow-http", defaultValue = "false")
  boolean jwksAllowHttp;

  /** Liberty's default keystore password: mpJwt does not start without that keystore. */
  @Inject
  @ConfigProperty(name = "keystore_password")
  Optional<String> keystorePassword;

  @Inject GatewayKeys gatewayKeys;
  @Inject ExternalKeySets keySets;

  private KeySource externalKeys;

  @PostConstruct
  void init() {
    if (keystorePassword.filter(p -> !p.isBlank()).isEmpty()) {
      LOG.severe(
          "MESHGATE-ADMIN: keystore_password is not set: Liberty's MicroProfile JWT, which verifies"
              + " admin tokens, cannot start without its default keystore, so no admin token is"
              + " accepted. Set keystore_password (any random value) in server.env or the"
              + " environment, or configure a defaultKeyStore in server.xml.");
    }
    if (external()) {
      try {
        externalKeys =
            keySets.forUrl(
                RemoteJwks.trustedUrl(externalJwksUrl.get(), jwksAllowHttp),
                Duration.ofSeconds(jwksRefreshSeconds),
                Duration.ofSeconds(unknownKidRefetchSeconds));
        LOG.info("MESHGATE-ADMIN: admin tokens are accepted from " + externalIssuer.get());
      } catch (IllegalArgumentException e) {
        // Fail closed: no admin token is accepted until the configuration is fixed.
        externalKeys = JwksKeys.EMPTY;
        LOG.severe(
            "MESHGATE-ADMIN: MESHGATE_ADMIN_JWKS_URL "
                + e.getMessage()
                + "; no admin token is accepted (set MESHGATE_ADMIN_JWKS_ALLOW_HTTP=true to allow"
                + " plain http)");
      }
    } else if (adminClientSecret.isEmpty() || adminClientSecret.get().isBlank()) {
      LOG.warning(
          "MESHGATE-ADMIN: MESHGATE_ADMIN_CLIENT_SECRET is not set: no admin token can be issued "
              + "and the admin API is unusable until it is (or an external issuer is configured).");
    } else if (LOCAL_DEFAULT_SECRET.equals(adminClientSecret.get())) {
      LOG.warning(
          "MESHGATE-ADMIN: the admin client uses the documented local default secret. "
              + "Set MESHGATE_ADMIN_CLIENT_SECRET for anything but a local run.");
    }
  }

  boolean external() {
    return externalIssuer.filter(s -> !s.isBlank()).isPresent()
        && externalJwksUrl.filter(s -> !s.isBlank()).isPresent();
  }

  /** The groups a bootstrap client gets, or empty when the credentials do not match. */
  Optional<Set<String>> authenticateClient(String clientId, String secret) {
    if (external() || clientId == null || secret == null) {
      return Optional.empty();
    }
    if (matches(adminClientId, adminClientSecret, clientId, secret)) {
      return Optional.of(Set.of(AdminCaller.ADMIN));
    }
    if (matches(viewerClientId, viewerClientSecret, clientId, secret)) {
      return Optional.of(Set.of(AdminCaller.VIEWER));
    }
    return Optional.empty();
  }

  private static boolean matches(
      String expectedId, Optional<String> expectedSecret, String id, String secret) {
    if (expectedSecret.isEmpty() || expectedSecret.get().isBlank()) {
      return false;
    }
    boolean idOk = java.security.MessageDigest.isEqual(expectedId.getBytes(), id.getBytes());
    boolean secretOk =
        java.security.MessageDigest.isEqual(expectedSecret.get().getBytes(), secret.getBytes());
    return idOk & secretOk;
  }

  /** Signs an admin token for a bootstrap client. */
  String issue(String clientId, Set<String> groups) {
    long now = clock.instant().getEpochSecond();
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer.url());
    claims.setAudience(audience);
    claims.setSubject(clientId);
    claims.setClaim("upn", clientId);
    claims.setStringListClaim(groupsClaim, List.copyOf(groups));
    claims.setIssuedAt(NumericDate.fromSeconds(now));
    claims.setNotBefore(NumericDate.fromSeconds(now));
    claims.setExpirationTime(NumericDate.fromSeconds(now + ttlSeconds));
    claims.setJwtId(UUID.randomUUID().toString());
    return signer.sign(claims, TYPE).token();
  }

  int ttlSeconds() {
    return ttlSeconds;
  }

  /**
   * Why a presented token fails the admin token profile, or empty when it passes. {@code
   * AccessFilter} asks this first, then Liberty's mpJwt: it covers what mpJwt does not check
   * ({@code typ}, {@code kid}, {@code crit}, {@code jku}, ... see {@link JwtValidator}), spares
   * mpJwt the malformed tokens, and gives the caller the reason.
   */
  public Optional<String> refusal(String token) {
    try {
      verify(token);
      return Optional.empty();
    } catch (InvalidAdminTokenException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Verifies a presented token with the shared {@link JwtValidator}: an allow-listed algorithm
   * ({@code none} and HMAC never), a key by {@code kid} from the configured key set only, issuer,
   * audience, expiry and not-before with the configured skew, {@code typ} {@code at+jwt} for the
   * gateway's own admin tokens.
   *
   * @throws InvalidAdminTokenException with a reason safe to show the caller
   */
  AdminCaller verify(String token) {
    JwtClaims claims;
    try {
      claims =
          JwtValidator.validate(
              token, profile(), external() ? externalKeys : gatewayKeys.current(), clock.instant());
    } catch (InvalidTokenException e) {
      throw new InvalidAdminTokenException(e.getMessage());
    }
    try {
      Set<String> groups = new HashSet<>();
      if (claims.hasClaim(groupsClaim)) {
        groups.addAll(claims.getStringListClaimValue(groupsClaim));
      }
      return new AdminCaller(claims.getSubject(), groups);
    } catch (MalformedClaimException e) {
      throw new InvalidAdminTokenException("malformed claim");
    }
  }

  private JwtProfile profile() {
    JwtProfile p = profile;
    String iss = external() ? externalIssuer.get() : issuer.url();
    if (p == null || !p.issuer().equals(iss)) {
      p = newProfile(iss);
      profile = p;
    }
    return p;
  }

  /** Fails closed, with one log line, when the admin token settings cannot make a profile. */
  private JwtProfile newProfile(String iss) {
    try {
      return new JwtProfile(
          iss,
          Set.of(audience),
          external() ? Set.copyOf(externalAlgorithms) : JwtProfile.GATEWAY_ALGORITHMS,
          external() ? externalType.filter(t -> !t.isBlank()).orElse(null) : TYPE,
          Duration.ofSeconds(skewSeconds),
          true);
    } catch (IllegalArgumentException e) {
      LOG.severe("MESHGATE-ADMIN: the admin token settings are not valid: " + e.getMessage());
      throw new InvalidAdminTokenException("the admin token settings are not valid");
    }
  }

  private volatile JwtProfile profile;

  /** A token that must be refused; the message is safe to return. */
  public static final class InvalidAdminTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidAdminTokenException(String message) {
      super(message);
    }
  }
}
