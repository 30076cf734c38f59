package io.meshgate.admin.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /admin/oauth2/token}: the OAuth 2.0 client-credentials grant for the bootstrap admin
 * (and viewer) client, on the admin port. Errors follow RFC 6749 §5.2.
 */
@ApplicationScoped
@Path(AdminAuthFilter.TOKEN_PATH)
public class AdminTokenResource {

  @Inject AdminTokens tokens;

  @POST
  public Response token(@Context HttpHeaders headers, String body) {
    Map<String, String> form;
    try {
      form = parseForm(body == null ? "" : body);
    } catch (IllegalArgumentException e) {
      return error(400, "invalid_request", e.getMessage(), false);
    }
    String grant = form.get("grant_type");
    if (grant == null) {
      return error(400, "invalid_request", "grant_type is required", false);
    }
    if (!grant.equals("client_credentials")) {
      return error(400, "unsupported_grant_type", "Only client_credentials is supported", false);
    }
    String id = form.get("client_id");
    String secret = form.get("client_secret");
    String basic = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
    boolean usedBasic = basic != null && basic.regionMatches(true, 0, "basic ", 0, 6);
    if (usedBasic) {
      if (id != null || secret != null) {
        return error(400, "invalid_request", "Use one client authentication method", false);
      }
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon > 0) {
          id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
          secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException e) {
        id = null;
      }
    }
    Optional<Set<String>> groups = tokens.authenticateClient(id, secret);
    if (groups.isEmpty()) {
      return error(401, "invalid_client", "Client authentication failed", true);
    }
    String token = tokens.issue(id, groups.get());
    return Response.ok(
            Json.createObjectBuilder()
                .add("access_token", token)
                .add("token_type", "Bearer")
                .add("expires_in", tokens.ttlSeconds())
                .build()
                .toString(),
            "application/json")
        .header("Cache-Control", "no-store")
        .header("Pragma", "no-cache")
        .build();
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new HashMap<>();
    if (body.isBlank()) {
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

  private static Response error(int status, String error, String description, boolean challenge) {
    Response.ResponseBuilder r =
        Response.status(status)
            .type("application/json")
            .header("Cache-Control", "no-store")
            .entity(
                Json.createObjectBuilder()
                    .add("error", error)
                    .add("error_description", description)
                    .build()
                    .toString());
    if (challenge) {
      r.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"meshgate-admin\"");
    }
    return r.build();
  }
}
