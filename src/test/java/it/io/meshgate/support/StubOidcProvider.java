package it.io.meshgate.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import jakarta.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;

/**
 * A small OpenID Connect provider for the portal's sign-in tests, under {@code /oidc} of the stub
 * upstream: discovery, an authorization endpoint that signs in {@link #nextUser} at once (no login
 * page) and sends the browser back with a code, a token endpoint that checks the client, the
 * redirect URI and the PKCE verifier and answers an ES256 ID token, and the JWKS. Its key is made
 * when the suite starts.
 */
public final class StubOidcProvider implements HttpHandler {
  public static final String CLIENT_ID = "meshgate-portal";
  public static final String CLIENT_SECRET = "portal-" + UUID.randomUUID();

  private final String issuer;
  private final EllipticCurveJsonWebKey key;
  private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();

  /** Who the next sign-in signs in as: {@code sub} and {@code preferred_username}. */
  public static volatile String nextUser = "oidc-user";

  StubOidcProvider(String issuer) {
    this.issuer = issuer;
    try {
      key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    } catch (org.jose4j.lang.JoseException e) {
      throw new IllegalStateException(e);
    }
    key.setKeyId("stub-idp-1");
  }

  @Override
  public void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      switch (path) {
        case "/oidc/.well-known/openid-configuration" ->
            json(
                x,
                200,
                Json.createObjectBuilder()
                    .add("issuer", issuer)
                    .add("authorization_endpoint", issuer + "/authorize")
                    .add("token_endpoint", issuer + "/token")
                    .add("jwks_uri", issuer + "/jwks")
                    .add("response_types_supported", Json.createArrayBuilder().add("code"))
                    .build()
                    .toString());
        case "/oidc/jwks" ->
            json(
                x,
                200,
                "{\"keys\":[" + key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}");
        case "/oidc/authorize" -> authorize(x);
        case "/oidc/token" -> token(x);
        default -> json(x, 404, "{}");
      }
    }
  }

  private void authorize(HttpExchange x) throws IOException {
    Map<String, String> q = form(x.getRequestURI().getRawQuery());
    if (!CLIENT_ID.equals(q.get("client_id"))
        || !"code".equals(q.get("response_type"))
        || !"S256".equals(q.get("code_challenge_method"))) {
      json(x, 400, "{\"error\":\"invalid_request\"}");
      return;
    }
    String code = UUID.randomUUID().toString();
    Map<String, String> grant = new HashMap<>(q);
    grant.put("user", nextUser);
    codes.put(code, grant);
    String location =
        q.get("redirect_uri")
            + "?code="
            + URLEncoder.encode(code, StandardCharsets.UTF_8)
            + "&state="
            + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Location", URI.create(location).toString());
    x.sendResponseHeaders(302, -1);
  }

  private void token(HttpExchange x) throws IOException {
    Map<String, String> f =
        form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    Map<String, String> grant = codes.remove(String.valueOf(f.get("code")));
    if (!basic.equals(x.getRequestHeaders().getFirst("Authorization"))
        || grant == null
        || !grant.get("redirect_uri").equals(f.get("redirect_uri"))
        || !challenge(f.get("code_verifier")).equals(grant.get("code_challenge"))) {
      json(x, 400, "{\"error\":\"invalid_grant\"}");
      return;
    }
    try {
      JwtClaims claims = new JwtClaims();
      claims.setIssuer(issuer);
      claims.setAudience(CLIENT_ID);
      claims.setSubject(grant.get("user"));
      claims.setClaim("preferred_username", grant.get("user"));
      claims.setClaim("nonce", grant.get("nonce"));
      claims.setIssuedAtToNow();
      claims.setExpirationTimeMinutesInTheFuture(5);
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(key.getPrivateKey());
      jws.setKeyIdHeaderValue(key.getKeyId());
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
      json(
          x,
          200,
          Json.createObjectBuilder()
              .add("access_token", UUID.randomUUID().toString())
              .add("token_type", "Bearer")
              .add("id_token", jws.getCompactSerialization())
              .build()
              .toString());
    } catch (org.jose4j.lang.JoseException e) {
      json(x, 500, "{}");
    }
  }

  private static String challenge(String verifier) {
    if (verifier == null) {
      return "";
    }
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> form(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void json(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }
}
