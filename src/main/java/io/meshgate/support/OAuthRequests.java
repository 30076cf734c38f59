package io.meshgate.support;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The parts of an OAuth 2.0 token endpoint (RFC 6749) shared by the app token endpoint and the
 * admin token endpoint: form parsing, client authentication by {@code client_secret_basic} or
 * {@code client_secret_post}, and the RFC's JSON success and error shapes.
 */
public final class OAuthRequests {
  private static final String BASIC = "basic ";

  private OAuthRequests() {}

  /**
   * Parses an {@code application/x-www-form-urlencoded} body.
   *
   * @throws IllegalArgumentException when a parameter repeats (RFC 6749 §3.2) or an escape is bad
   */
  public static Map<String, String> parseForm(String body) {
    Map<String, String> form = new HashMap<>();
    if (body == null || body.isBlank()) {
      return form;
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (form.put(name, value) != null) {
        throw new IllegalArgumentException("Parameter " + name + " is repeated");
      }
    }
    return form;
  }

  /** Client credentials from the request, or why they cannot be read. */
  public record ClientCredentials(String clientId, String secret, boolean basic, String problem) {}

  /**
   * Reads the client's credentials: HTTP Basic (id and secret form-urlencoded inside, RFC 6749
   * §2.3.1) or {@code client_id} + {@code client_secret} form parameters; both at once is an error.
   */
  public static ClientCredentials clientCredentials(
      String authorization, Map<String, String> form) {
    String id = form.get("client_id");
    String secret = form.get("client_secret");
    boolean basic =
        authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length());
    if (!basic) {
      return new ClientCredentials(id, secret, false, null);
    }
    if (secret != null) {
      return new ClientCredentials(null, null, true, "Use one client authentication method");
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
              StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        return new ClientCredentials(null, null, true, null);
      }
      String basicId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
      if (id != null && !id.equals(basicId)) {
        return new ClientCredentials(
            null, null, true, "client_id does not match the Basic credentials");
      }
      return new ClientCredentials(
          basicId,
          URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8),
          true,
          null);
    } catch (IllegalArgumentException e) {
      return new ClientCredentials(null, null, true, null);
    }
  }

  /** The RFC 6749 §5.1 success response; never cached. */
  public static Response token(String accessToken, long expiresIn, String scope) {
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("access_token", accessToken)
            .add("token_type", "Bearer")
            .add("expires_in", expiresIn);
    if (scope != null) {
      body.add("scope", scope);
    }
    return Response.ok(body.build().toString(), "application/json")
        .header("Cache-Control", "no-store")
        .header("Pragma", "no-cache")
        .build();
  }

  /**
   * An RFC 6749 §5.2 error. {@code invalid_client} is 401 with a {@code WWW-Authenticate} challenge
   * for {@code realm}.
   */
  public static Response error(int status, String error, String description, String realm) {
    Response.ResponseBuilder r =
        Response.status(status)
            .type("application/json")
            .header("Cache-Control", "no-store")
            .header("Pragma", "no-cache")
            .entity(
                Json.createObjectBuilder()
                    .add("error", error)
                    .add("error_description", description)
                    .build()
                    .toString());
    if (status == 401) {
      r.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + realm + "\"");
    }
    return r.build();
  }
}
