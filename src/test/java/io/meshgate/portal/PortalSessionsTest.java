package io.meshgate.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.support.SecretDigester;
import jakarta.ws.rs.core.HttpHeaders;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The portal's session cookie: what it carries, and what a tampered or old one gets. */
class PortalSessionsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  private static PortalSessions sessions(Instant now, String pepper, boolean secure) {
    PortalSessions s = new PortalSessions();
    s.digester = SecretDigester.withPepper(pepper.getBytes(StandardCharsets.UTF_8));
    s.clock = Clock.fixed(now, ZoneOffset.UTC);
    s.sessionSeconds = 3600;
    s.secureCookie = secure;
    return s;
  }

  @Test
  void theCookieIsNamedForWhetherItIsSecure() {
    assertThat(sessions(NOW, "pepper", true).cookieName()).isEqualTo("__Secure-meshgate-portal");
    assertThat(sessions(NOW, "pepper", false).cookieName()).isEqualTo("meshgate-portal");
  }

  @Test
  void theDeveloperComesBackFromTheirCookieWithACsrfTokenOfTheirOwn() {
    PortalSessions s = sessions(NOW, "pepper", true);
    Developer alice = s.verify(s.issue("demo:alice", "alice")).orElseThrow();
    assertThat(alice.id()).isEqualTo("demo:alice");
    assertThat(alice.name()).isEqualTo("alice");
    assertThat(alice.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    assertThat(alice.actor()).isEqualTo("portal:demo:alice");
    assertThat(alice.csrf()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(s.verify(s.issue("demo:alice", "alice")).orElseThrow().csrf())
        .isNotEqualTo(alice.csrf());
  }

  @Test
  void aTamperedForeignOrExpiredCookieSignsNobodyIn() {
    PortalSessions s = sessions(NOW, "pepper", true);
    String value = s.issue("demo:alice", "alice");
    String payload = value.substring(0, value.lastIndexOf('.'));
    String mac = value.substring(value.lastIndexOf('.') + 1);
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)
                    .replace("demo:alice", "demo:mallory")
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(s.verify(forged + "." + mac)).isEmpty();
    assertThat(
            s.verify(payload + "." + mac.replace(mac.charAt(0), mac.charAt(0) == 'a' ? 'b' : 'a')))
        .isEmpty();
    assertThat(s.verify(payload)).isEmpty();
    assertThat(s.verify("x".repeat(5000))).isEmpty();
    assertThat(s.verify(null)).isEmpty();
    // Another server pepper (another installation) does not accept it.
    assertThat(sessions(NOW, "other", true).verify(value)).isEmpty();
    // One second before it expires it works; at its expiry it does not.
    assertThat(sessions(NOW.plusSeconds(3599), "pepper", true).verify(value)).isPresent();
    assertThat(sessions(NOW.plusSeconds(3600), "pepper", true).verify(value)).isEmpty();
  }

  @Test
  void aChangeMustComeFromThePortalsOwnOrigin() {
    assertThat(PortalSessions.sameOrigin(headers(Map.of("Sec-Fetch-Site", "same-origin"))))
        .isTrue();
    assertThat(PortalSessions.sameOrigin(headers(Map.of("Sec-Fetch-Site", "cross-site"))))
        .isFalse();
    assertThat(PortalSessions.sameOrigin(headers(Map.of("Sec-Fetch-Site", "same-site")))).isFalse();
    assertThat(
            PortalSessions.sameOrigin(
                headers(Map.of("Origin", "http://localhost:9080", "Host", "localhost:9080"))))
        .isTrue();
    assertThat(
            PortalSessions.sameOrigin(
                headers(Map.of("Origin", "https://evil.example", "Host", "localhost:9080"))))
        .isFalse();
    assertThat(PortalSessions.sameOrigin(headers(Map.of("Origin", "null", "Host", "x")))).isFalse();
    // curl and other non-browser clients send neither: the CSRF token is what protects them.
    assertThat(PortalSessions.sameOrigin(headers(Map.of()))).isTrue();
  }

  private static HttpHeaders headers(Map<String, String> values) {
    return (HttpHeaders)
        Proxy.newProxyInstance(
            HttpHeaders.class.getClassLoader(),
            new Class<?>[] {HttpHeaders.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getHeaderString")) {
                return values.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
