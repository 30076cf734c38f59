package io.meshgate.oauth;

import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.SubscriptionSnapshot;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.support.OAuthRequests;
import io.meshgate.support.SecretDigester;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The client-credentials grant (RFC 6749 §4.4) as a decision without HTTP: from the request's
 * {@code Content-Type}, {@code Authorization} and form body to the client and scopes to put in a
 * token, or to the RFC 6749 §5.2 error to answer. The token endpoint only reads the request and
 * renders the outcome, so every rule here is unit-tested with plain objects.
 */
public final class ClientCredentialsGrant {
  public static final String FORM = "application/x-www-form-urlencoded";
  public static final String GRANT_TYPE = "client_credentials";

  public static final String INVALID_REQUEST = "invalid_request";
  public static final String INVALID_CLIENT = "invalid_client";
  public static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
  public static final String INVALID_SCOPE = "invalid_scope";

  static final String PARAM_GRANT_TYPE = "grant_type";
  static final String PARAM_SCOPE = "scope";

  /** A {@code %} not followed by two hex digits: {@link java.net.URLDecoder} would throw. */
  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  /** RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}. */
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

  private final Function<String, Optional<AppSnapshot>> appsByClientId;
  private final SecretDigester digester;

  /**
   * @param appsByClientId the app with this client id, from the catalog cache
   * @param digester compares presented secrets with stored digests
   */
  public ClientCredentialsGrant(
      Function<String, Optional<AppSnapshot>> appsByClientId, SecretDigester digester) {
    this.appsByClientId = appsByClientId;
    this.digester = digester;
  }

  /** What the token endpoint answers. */
  public sealed interface Outcome permits Granted, Refused {}

  /** Issue a token to {@code clientId} with these scopes (possibly none). */
  public record Granted(String clientId, List<String> scopes) implements Outcome {
    public Granted {
      scopes = List.copyOf(scopes);
    }
  }

  /**
   * An RFC 6749 §5.2 error. The description is reduced to the characters the RFC allows in {@code
   * error_description} ({@code %x20-21 / %x23-5B / %x5D-7E}), so echoing a client's input can never
   * break the JSON's consumers or smuggle text.
   */
  public record Refused(int status, String error, String description) implements Outcome {
    private static final int MAX_DESCRIPTION = 200;

    public Refused {
      StringBuilder clean = new StringBuilder(Math.min(description.length(), MAX_DESCRIPTION));
      for (int i = 0; i < description.length() && clean.length() < MAX_DESCRIPTION; i++) {
        char c = description.charAt(i);
        boolean allowed = c >= 0x20 && c <= 0x7E && c != '"' && c != '\\';
        clean.append(allowed ? c : '?');
      }
      description = clean.toString();
    }
  }

  /**
   * Decides a token request.
   *
   * @param contentType the request's {@code Content-Type}, may be null
   * @param authorization the request's {@code Authorization}, may be null
   * @param body the form body, decoded as UTF-8 (its percent-escapes not yet decoded)
   */
  public Outcome decide(String contentType, String authorization, String body) {
    if (!isForm(contentType)) {
      return badRequest(INVALID_REQUEST, "Content-Type must be " + FORM);
    }
    if (BAD_ESCAPE.matcher(body).find()) {
      return badRequest(INVALID_REQUEST, "The form body has a malformed percent-escape");
    }
    Map<String, String> form;
    try {
      form = OAuthRequests.parseForm(body);
    } catch (IllegalArgumentException repeated) {
      return badRequest(INVALID_REQUEST, repeated.getMessage());
    }
    String grant = form.get(PARAM_GRANT_TYPE);
    if (grant == null || grant.isEmpty()) {
      return badRequest(INVALID_REQUEST, "grant_type is required");
    }
    if (!grant.equals(GRANT_TYPE)) {
      return badRequest(UNSUPPORTED_GRANT_TYPE, "Only client_credentials is supported");
    }

    OAuthRequests.ClientCredentials client = OAuthRequests.clientCredentials(authorization, form);
    if (client.problem() != null) {
      return badRequest(INVALID_REQUEST, client.problem());
    }
    if (client.clientId() == null
        || client.clientId().isEmpty()
        || client.secret() == null
        || client.secret().isEmpty()) {
      return invalidClient(
          client.basic()
              ? "The Basic credentials are malformed or incomplete"
              : "Client authentication is required");
    }
    Optional<AppSnapshot> found = appsByClientId.apply(client.clientId());
    if (found.isEmpty()) {
      // Spend the same HMAC as for a known client: the answer time does not tell which ids exist.
      digester.digest(client.secret());
      return invalidClient("Client authentication failed");
    }
    AppSnapshot app = found.get();
    if (!digester.matches(client.secret(), app.clientSecretDigest())) {
      return invalidClient("Client authentication failed");
    }
    if (!app.active()) {
      return invalidClient("The client is suspended");
    }
    return scopes(app, form.get(PARAM_SCOPE));
  }

  /** Granted scopes: what was asked for when it is a subset of what the app may have, else all. */
  private Outcome scopes(AppSnapshot app, String requested) {
    Set<String> allowed = allowedScopes(app);
    if (requested == null || requested.isBlank()) {
      return new Granted(app.clientId(), new ArrayList<>(allowed));
    }
    Set<String> asked = new LinkedHashSet<>();
    for (String token : requested.trim().split(" +")) {
      if (!SCOPE_TOKEN.matcher(token).matches()) {
        return badRequest(INVALID_SCOPE, "The scope is malformed");
      }
      asked.add(token);
    }
    List<String> refused = new ArrayList<>();
    for (String token : asked) {
      if (!allowed.contains(token)) {
        refused.add(token);
      }
    }
    if (!refused.isEmpty()) {
      return badRequest(
          INVALID_SCOPE, "The client may not have scope " + String.join(" ", refused));
    }
    return new Granted(app.clientId(), new ArrayList<>(asked));
  }

  /** The union of the scopes of the plans of the app's active subscriptions, in plan order. */
  static Set<String> allowedScopes(AppSnapshot app) {
    Set<String> allowed = new LinkedHashSet<>();
    for (SubscriptionSnapshot s : app.subscriptions()) {
      if (s.state() == SubscriptionState.ACTIVE) {
        allowed.addAll(s.plan().scopes());
      }
    }
    return allowed;
  }

  private static boolean isForm(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT).equals(FORM);
  }

  private static Refused badRequest(String error, String description) {
    return new Refused(400, error, description);
  }

  private static Refused invalidClient(String description) {
    return new Refused(401, INVALID_CLIENT, description);
  }
}
