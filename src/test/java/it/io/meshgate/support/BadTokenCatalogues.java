package it.io.meshgate.support;

import io.meshgate.token.BadTokens;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The {@link BadTokens} catalogue for the two paths that take the shared gateway's own tokens, each
 * built from a token that path accepts: the OAuth bearer path and the admin API.
 */
public final class BadTokenCatalogues {
  private BadTokenCatalogues() {}

  /** Built from an access token of {@code oauth-client}; {@code trap} must never be fetched. */
  public static BadTokens oauth(URI trap) {
    Gateways gw = Gateways.get();
    BadTokens.Signer signer =
        gw.signingKey(kidOf(OAuthTokens.clientCredentials("oauth-client", "oauth-secret", null)));
    Map<String, Object> claims =
        BadTokens.claims(Gateways.ISSUER, Gateways.ISSUER, "oauth-client", Instant.now());
    claims.put("client_id", "oauth-client");
    claims.put("scope", "orders:read orders:write");
    return new BadTokens(signer, BadTokens.headerOf(signer, "at+jwt"), claims, trap, Instant.now());
  }

  /** Built from an admin token of the bootstrap admin client. */
  public static BadTokens admin(URI trap) {
    BadTokens.Signer signer = Gateways.get().signingKey(kidOf(AdminClient.token()));
    Map<String, Object> claims =
        BadTokens.claims(
            Gateways.ISSUER, "meshgate-admin", Gateways.ADMIN_CLIENT_ID, Instant.now());
    claims.put("groups", List.of("meshgate-admin"));
    return new BadTokens(signer, BadTokens.headerOf(signer, "at+jwt"), claims, trap, Instant.now());
  }

  /** The {@code kid} in a JWT's header. */
  public static String kidOf(String token) {
    String header =
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    return Json.createReader(new StringReader(header)).readObject().getString("kid");
  }
}
