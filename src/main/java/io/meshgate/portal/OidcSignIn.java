package io.meshgate.portal;

import io.meshgate.support.SecretDigester;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.NewCookie;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Portal sign-in through an OpenID Connect provider: the authorization code flow with PKCE (S256),
 * {@code state} and {@code nonce}, configured with {@code MESHGATE_PORTAL_OIDC_ISSUER}, {@code
 * _CLIENT_ID} and {@code _CLIENT_SECRET}. The provider's endpoints come from its discovery
 * document; the ID token's signature is checked against its JWKS, with its issuer, audience (the
 * client id), expiry and nonce. The developer id is {@code oidc:<sub>}. What the flow must remember
 * between the redirect and the callback travels in a short-lived signed cookie, so any replica can
 * complete it.
 */
@ApplicationScoped
public class OidcSignIn {
  private static final Logger LOG = Logger.getLogger(OidcSignIn.class.getName());
  static final String LOGIN_COOKIE = "meshgate-portal-login";
  static final String CALLBACK_PATH = "/portal/api/session/oidc/callback";
  private static final String SIGNING_CONTEXT = "meshgate-portal-login\n";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int LOGIN_SECONDS = 600;

  /** Longest subject kept: the developer id {@code oidc:<sub>} is an app's owner (200 chars). */
  static final int MAX_SUBJECT = 150;

  private final SecureRandom random = new SecureRandom();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  @Inject SecretDigester digester;
  @Inject PortalSessions sessions;
  @Inject Clock clock;

  @Inject
  @ConfigProperty(name = "meshgate.portal.oidc.issuer")
  Optional<String> issuer;

  @Inject
  @ConfigProperty(name = "meshgate.portal.oidc.client-id")
  Optional<String> clientId;

  @Inject
  @ConfigProperty(name = "meshgate.portal.oidc.client-secret")
  Optional<String> clientSecret;

  @Inject
  @ConfigProperty(name = "meshgate.portal.oidc.scopes", defaultValue = "openid profile email")
  String scopes;

  /** Where the provider sends the browser back: must be registered with the provider. */
  @Inject
  @ConfigProperty(name = "meshgate.portal.oidc.redirect-uri")
  Optional<String> redirectUri;

  @Inject
  @ConfigProperty(name = "meshgate.issuer", defaultValue = "http://localhost:9080")
  String publicUrl;

  private volatile Provider provider;

  /** The provider's endpoints, from its discovery document. */
  record Provider(String issuer, String authorization, String token, JwtConsumer idTokens) {}

  /** The browser's next step: where to go, and the cookie that remembers the attempt. */
  public record Redirect(URI location, NewCookie cookie) {}

  @PostConstruct
  void warnIfHalfConfigured() {
    if (issuer.filter(s -> !s.isBlank()).isPresent()
        != clientId.filter(s -> !s.isBlank()).isPresent()) {
      LOG.warning(
          "MESHGATE-PORTAL: set both MESHGATE_PORTAL_OIDC_ISSUER and"
              + " MESHGATE_PORTAL_OIDC_CLIENT_ID to sign developers in through OpenID Connect");
    }
  }

  public boolean configured() {
    return issuer.filter(s -> !s.isBlank()).isPresent()
        && clientId.filter(s -> !s.isBlank()).isPresent();
  }

  /** Starts a sign-in: the provider's authorization URL and the attempt's cookie. */
  public Redirect start() throws IOException, InterruptedException {
    Provider p = provider();
    String state = randomToken();
    String nonce = randomToken();
    String verifier = randomToken() + randomToken();
    String payload =
        B64.encodeToString(
            Json.createObjectBuilder()
                .add("state", state)
                .add("nonce", nonce)
                .add("verifier", verifier)
                .add("exp", clock.instant().getEpochSecond() + LOGIN_SECONDS)
                .build()
                .toString()
                .getBytes(StandardCharsets.UTF_8));
    String query =
        form(
            Map.of(
                "response_type",
                "code",
                "client_id",
                clientId.orElseThrow(),
                "redirect_uri",
                callback(),
                "scope",
                scopes,
                "state",
                state,
                "nonce",
                nonce,
                "code_challenge",
                B64.encodeToString(sha256(verifier)),
                "code_challenge_method",
                "S256"));
    URI location =
        URI.create(p.authorization() + (p.authorization().contains("?") ? "&" : "?") + query);
    return new Redirect(location, loginCookie(payload + "." + mac(payload), LOGIN_SECONDS));
  }

  /**
   * Completes a sign-in: checks the callback against the attempt's cookie, trades the code for an
   * ID token and verifies it. Empty (with the reason logged) when anything does not hold.
   */
  public Optional<NewCookie> complete(String loginCookie, String code, String state)
      throws InterruptedException {
    Optional<JsonObject> attempt = attempt(loginCookie);
    if (attempt.isEmpty()
        || code == null
        || state == null
        || !MessageDigest.isEqual(
            state.getBytes(StandardCharsets.UTF_8),
            attempt.get().getString("state").getBytes(StandardCharsets.UTF_8))) {
      LOG.info("MESHGATE-PORTAL: an OpenID Connect callback did not match a sign-in attempt");
      return Optional.empty();
    }
    try {
      Provider p = provider();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(p.token()))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Accept", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      form(
                          Map.of(
                              "grant_type", "authorization_code",
                              "code", code,
                              "redirect_uri", callback(),
                              "code_verifier", attempt.get().getString("verifier"),
                              "client_id", clientId.orElseThrow()))));
      clientSecret
          .filter(s -> !s.isBlank())
          .ifPresent(
              secret ->
                  request.header(
                      "Authorization",
                      "Basic "
                          + Base64.getEncoder()
                              .encodeToString(
                                  (urlEncode(clientId.orElseThrow()) + ":" + urlEncode(secret))
                                      .getBytes(StandardCharsets.UTF_8))));
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        LOG.warning("MESHGATE-PORTAL: the provider's token endpoint answered " + r.statusCode());
        return Optional.empty();
      }
      JsonObject tokens = Json.createReader(new StringReader(r.body())).readObject();
      JwtClaims claims = p.idTokens().processToClaims(tokens.getString("id_token"));
      if (!attempt.get().getString("nonce").equals(claims.getClaimValueAsString("nonce"))) {
        LOG.warning("MESHGATE-PORTAL: an ID token's nonce did not match the sign-in attempt");
        return Optional.empty();
      }
      String subject = claims.getSubject();
      if (subject.length() > MAX_SUBJECT) {
        LOG.warning(
            "MESHGATE-PORTAL: an ID token's subject is over " + MAX_SUBJECT + " characters");
        return Optional.empty();
      }
      if (claims.getAudience().size() > 1
          && !clientId.orElseThrow().equals(claims.getClaimValueAsString("azp"))) {
        LOG.warning("MESHGATE-PORTAL: an ID token for several audiences names another azp");
        return Optional.empty();
      }
      String name = firstOf(claims, "preferred_username", "name", "email").orElse(subject);
      return Optional.of(sessions.signIn("oidc:" + subject, name));
    } catch (IOException | InvalidJwtException | MalformedClaimException | RuntimeException e) {
      LOG.warning("MESHGATE-PORTAL: OpenID Connect sign-in failed: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The cookie that ends a sign-in attempt. */
  public NewCookie clearLogin() {
    return loginCookie("", 0);
  }

  private Optional<JsonObject> attempt(String value) {
    if (value == null || value.length() > 2048 || value.lastIndexOf('.') <= 0) {
      return Optional.empty();
    }
    String payload = value.substring(0, value.lastIndexOf('.'));
    String given = value.substring(value.lastIndexOf('.') + 1);
    if (!MessageDigest.isEqual(
        given.getBytes(StandardCharsets.US_ASCII),
        mac(payload).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    try (var reader =
        Json.createReader(
            new StringReader(
                new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)))) {
      JsonObject o = reader.readObject();
      return o.getJsonNumber("exp").longValue() > clock.instant().getEpochSecond()
          ? Optional.of(o)
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Provider provider() throws IOException, InterruptedException {
    Provider p = provider;
    if (p == null) {
      String base = issuer.orElseThrow().replaceAll("/+$", "");
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
                  .timeout(TIMEOUT)
                  .header("Accept", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("the discovery document answered " + r.statusCode());
      }
      JsonObject d = Json.createReader(new StringReader(r.body())).readObject();
      if (!d.getString("issuer", "").replaceAll("/+$", "").equals(base)) {
        throw new IOException("the discovery document names another issuer");
      }
      JwtConsumer idTokens =
          new JwtConsumerBuilder()
              .setRequireExpirationTime()
              .setAllowedClockSkewInSeconds(60)
              .setRequireSubject()
              .setJwsAlgorithmConstraints(
                  AlgorithmConstraints.ConstraintType.PERMIT,
                  AlgorithmIdentifiers.RSA_USING_SHA256,
                  AlgorithmIdentifiers.RSA_USING_SHA384,
                  AlgorithmIdentifiers.RSA_USING_SHA512,
                  AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                  AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                  AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
                  AlgorithmIdentifiers.EDDSA)
              .setExpectedIssuer(d.getString("issuer"))
              .setExpectedAudience(clientId.orElseThrow())
              .setVerificationKeyResolver(
                  new HttpsJwksVerificationKeyResolver(new HttpsJwks(d.getString("jwks_uri"))))
              .build();
      p =
          new Provider(
              d.getString("issuer"),
              d.getString("authorization_endpoint"),
              d.getString("token_endpoint"),
              idTokens);
      provider = p;
    }
    return p;
  }

  private String callback() {
    return redirectUri
        .filter(s -> !s.isBlank())
        .orElse(publicUrl.replaceAll("/+$", "") + CALLBACK_PATH);
  }

  private NewCookie loginCookie(String value, int maxAge) {
    // Lax, not Strict: the browser comes back from the provider's site with a top-level GET.
    return new NewCookie.Builder(LOGIN_COOKIE)
        .value(value)
        .path("/portal/api/session/oidc")
        .maxAge(maxAge)
        .secure(sessions.secureCookie)
        .httpOnly(true)
        .sameSite(NewCookie.SameSite.LAX)
        .build();
  }

  private String mac(String payload) {
    return digester.digestHex(SIGNING_CONTEXT + payload);
  }

  private String randomToken() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return B64.encodeToString(b);
  }

  private static Optional<String> firstOf(JwtClaims claims, String... names) {
    for (String n : names) {
      Object v = claims.getClaimValue(n);
      if (v instanceof String s && !s.isBlank()) {
        return Optional.of(s.length() > 100 ? s.substring(0, 100) : s);
      }
    }
    return Optional.empty();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> urlEncode(e.getKey()) + "=" + urlEncode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
