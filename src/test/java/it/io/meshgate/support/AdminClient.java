package it.io.meshgate.support;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** Admin API access for tests: tokens from the bootstrap clients, requests on the admin port. */
public final class AdminClient {
  private static final Duration TOKEN_REUSE = Duration.ofMinutes(5);
  private static String adminToken;
  private static Instant adminTokenFetched;

  private AdminClient() {}

  /** A URI on the shared gateway's admin port. */
  public static URI uri(String path) {
    return Gateways.get().server().adminUri(path);
  }

  /**
   * An admin (read and write) token for the shared gateway, fetched again once it is older than
   * {@link #TOKEN_REUSE}: admin tokens live 15 minutes, and the fault suite runs longer than that.
   */
  public static synchronized String token() {
    if (adminToken == null || Instant.now().isAfter(adminTokenFetched.plus(TOKEN_REUSE))) {
      adminToken =
          token(Gateways.get().server(), Gateways.ADMIN_CLIENT_ID, Gateways.ADMIN_CLIENT_SECRET);
      adminTokenFetched = Instant.now();
    }
    return adminToken;
  }

  /** A read-only token. */
  public static String viewerToken() {
    return token(Gateways.get().server(), Gateways.VIEWER_CLIENT_ID, Gateways.VIEWER_CLIENT_SECRET);
  }

  /** A token from {@code server}'s admin token endpoint. */
  public static String token(LibertyServer server, String clientId, String secret) {
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        Http.send(
            HttpRequest.newBuilder(server.adminUri("/admin/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
    if (r.statusCode() != 200) {
      throw new AssertionError("Admin token request failed: " + r.statusCode() + " " + r.body());
    }
    return Json.createReader(new StringReader(r.body())).readObject().getString("access_token");
  }

  /** Sends an admin request with the admin token; {@code json} may be null. */
  public static HttpResponse<String> send(
      LibertyServer server, String token, String method, String path, String json) {
    return send(
        server,
        token,
        method,
        path,
        json == null ? null : "application/json",
        json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends an admin request with these exact body bytes and {@code Content-Type}; either may be null
   * (no body, no such header).
   */
  public static HttpResponse<String> send(
      LibertyServer server,
      String token,
      String method,
      String path,
      String contentType,
      byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.adminUri(path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return Http.send(b);
  }

  public static HttpResponse<String> send(String method, String path, String json) {
    return send(Gateways.get().server(), token(), method, path, json);
  }
}
