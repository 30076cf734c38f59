package it.io.meshgate.support;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Access tokens from the shared gateway's {@code POST /oauth2/token} (client credentials). */
public final class OAuthTokens {
  private OAuthTokens() {}

  /** A token for the client, with {@code scope} when not null; fails the test unless 200. */
  public static String clientCredentials(String clientId, String secret, String scope) {
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    String form =
        "grant_type=client_credentials"
            + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    HttpResponse<String> r =
        Http.send(
            HttpRequest.newBuilder(Gateways.get().server().uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.createReader(new StringReader(r.body())).readObject().getString("access_token");
  }
}
