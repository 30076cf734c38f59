package io.meshgate.portal;

import io.meshgate.support.SecretDigester;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Portal sessions, kept by the browser only: the session cookie holds the developer, an expiry and
 * a CSRF token, signed with the server pepper (the same on every replica, so any replica accepts
 * it; nothing is stored server-side). The cookie is {@code HttpOnly}, {@code SameSite=Strict},
 * scoped to {@code /portal} so it never travels to a proxied API, and {@code Secure} (prefix {@code
 * __Secure-}) unless {@code MESHGATE_PORTAL_SECURE_COOKIE=false} for a plain-HTTP host that is not
 * localhost. Signing out clears the cookie; a copied cookie stays valid until it expires ({@code
 * MESHGATE_PORTAL_SESSION_SECONDS}, 8 hours by default).
 */
@ApplicationScoped
public class PortalSessions {
  /** The header in which the pages send the session's CSRF token with every change. */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  static final String PATH = "/portal";
  private static final String SIGNING_CONTEXT = "meshgate-portal-session\n";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final int MAX_COOKIE = 4096;

  private final SecureRandom random = new SecureRandom();

  @Inject SecretDigester digester;
  @Inject Clock clock;

  @Inject
  @ConfigProperty(name = "meshgate.portal.session-seconds", defaultValue = "28800")
  long sessionSeconds;

  @Inject
  @ConfigProperty(name = "meshgate.portal.secure-cookie", defaultValue = "true")
  boolean secureCookie;

  /** The session cookie's name: {@code __Secure-} only where the cookie is {@code Secure}. */
  public String cookieName() {
    return secureCookie ? "__Secure-meshgate-portal" : "meshgate-portal";
  }

  /** A new session for a developer, as the cookie that carries it. */
  public NewCookie signIn(String id, String name) {
    return cookie(issue(id, name), sessionSeconds);
  }

  /** A new session's signed cookie value. */
  String issue(String id, String name) {
    byte[] csrf = new byte[24];
    random.nextBytes(csrf);
    Instant expires = clock.instant().plusSeconds(sessionSeconds);
    String payload =
        B64.encodeToString(
            Json.createObjectBuilder()
                .add("v", 1)
                .add("sub", id)
                .add("name", name)
                .add("exp", expires.getEpochSecond())
                .add("csrf", B64.encodeToString(csrf))
                .build()
                .toString()
                .getBytes(StandardCharsets.UTF_8));
    return payload + "." + digester.digestHex(SIGNING_CONTEXT + payload);
  }

  /** The cookie that ends the session in the browser. */
  public NewCookie signOut() {
    return cookie("", 0);
  }

  /** The developer of a request's session cookie, when it is present, intact and not expired. */
  public Optional<Developer> developer(Map<String, Cookie> cookies) {
    Cookie cookie = cookies == null ? null : cookies.get(cookieName());
    return cookie == null ? Optional.empty() : verify(cookie.getValue());
  }

  Optional<Developer> verify(String value) {
    if (value == null || value.length() > MAX_COOKIE) {
      return Optional.empty();
    }
    int dot = value.lastIndexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String payload = value.substring(0, dot);
    byte[] mac = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    byte[] expected =
        digester.digestHex(SIGNING_CONTEXT + payload).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(mac, expected)) {
      return Optional.empty();
    }
    try (var reader =
        Json.createReader(
            new StringReader(new String(B64D.decode(payload), StandardCharsets.UTF_8)))) {
      JsonObject o = reader.readObject();
      Instant expires = Instant.ofEpochSecond(o.getJsonNumber("exp").longValueExact());
      if (o.getInt("v") != 1 || !clock.instant().isBefore(expires)) {
        return Optional.empty();
      }
      return Optional.of(
          new Developer(o.getString("sub"), o.getString("name"), o.getString("csrf"), expires));
    } catch (JsonException
        | IllegalArgumentException
        | ClassCastException
        | NullPointerException
        | ArithmeticException e) {
      return Optional.empty(); // signed by us, so never expected; refused all the same
    }
  }

  /**
   * Whether a change may come from this request: the browser says it is same-origin ({@code
   * Sec-Fetch-Site}) or, for an older browser, its {@code Origin} names the host the request went
   * to. A request with neither (curl) passes this check; the CSRF token still applies.
   */
  public static boolean sameOrigin(HttpHeaders headers) {
    String site = headers.getHeaderString("Sec-Fetch-Site");
    if (site != null) {
      return site.equals("same-origin");
    }
    String origin = headers.getHeaderString("Origin");
    if (origin == null) {
      return true;
    }
    String host = headers.getHeaderString(HttpHeaders.HOST);
    int scheme = origin.indexOf("://");
    return host != null && scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
  }

  private NewCookie cookie(String value, long maxAge) {
    return new NewCookie.Builder(cookieName())
        .value(value)
        .path(PATH)
        .maxAge((int) Math.min(Integer.MAX_VALUE, maxAge))
        .secure(secureCookie)
        .httpOnly(true)
        .sameSite(NewCookie.SameSite.STRICT)
        .build();
  }
}
