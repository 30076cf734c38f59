package io.meshgate.policy.clientauth;

import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.CredentialSnapshot;
import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.HeaderList;
import io.meshgate.chain.Policy;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.support.SecretDigester;
import io.meshgate.support.tls.CertificateNames;
import io.meshgate.support.tls.Thumbprints;
import io.meshgate.token.InvalidTokenException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

/** Authenticates the caller and records its app in the exchange. */
public final class ClientAuthPolicy implements Policy {
  public static final String MISSING = "CLIENT_AUTH_MISSING";
  public static final String INVALID = "CLIENT_AUTH_INVALID";
  public static final String APP_SUSPENDED = "CLIENT_AUTH_APP_SUSPENDED";
  private static final String BASIC = "basic ";
  private static final String BEARER = "bearer ";

  /** Stands for a query key with a broken percent-escape: never a valid key, so it is refused. */
  private static final String BAD_ENCODING = "\u0000bad-encoding";

  private final boolean apiKeys;
  private final boolean certificates;
  private final boolean certificateOnly;
  private final CertificateAuthorities authorities;
  private final boolean clientSecrets;
  private final String apiKeyHeader;
  private final String apiKeyField;
  private final String apiKeyQueryParam;
  private final String clientIdHeader;
  private final String clientSecretHeader;
  private final SecretDigester digester;
  private final Function<String, Optional<CredentialSnapshot>> credentialsByDigest;
  private final LongFunction<Optional<AppSnapshot>> appsById;
  private final Function<String, Optional<AppSnapshot>> appsByClientId;
  private final Map<String, String> challenge;
  private final Map<String, String> invalidTokenChallenge;
  private final boolean bearer;
  private final BearerTokens bearerTokens;
  private final String missingMessage;

  public ClientAuthPolicy(
      ClientAuthPolicyConfig config,
      SecretDigester digester,
      Function<String, Optional<CredentialSnapshot>> credentialsByDigest,
      LongFunction<Optional<AppSnapshot>> appsById,
      Function<String, Optional<AppSnapshot>> appsByClientId) {
    this(config, digester, credentialsByDigest, appsById, appsByClientId, BearerTokens.NONE);
  }

  /**
   * @param bearerTokens verifies the bearer tokens the API accepts (the gateway's own OAuth access
   *     tokens, an external identity provider's tokens, or both)
   */
  public ClientAuthPolicy(
      ClientAuthPolicyConfig config,
      SecretDigester digester,
      Function<String, Optional<CredentialSnapshot>> credentialsByDigest,
      LongFunction<Optional<AppSnapshot>> appsById,
      Function<String, Optional<AppSnapshot>> appsByClientId,
      BearerTokens bearerTokens) {
    this.bearerTokens = bearerTokens;
    this.bearer =
        config.methods().contains(ClientAuthPolicyConfig.OAUTH2)
            || config.methods().contains(ClientAuthPolicyConfig.JWT);
    this.apiKeys = config.methods().contains(ClientAuthPolicyConfig.API_KEY);
    this.clientSecrets = config.methods().contains(ClientAuthPolicyConfig.CLIENT_SECRET);
    this.certificates = config.methods().contains(ClientAuthPolicyConfig.CERTIFICATE);
    this.certificateOnly = certificates && config.methods().size() == 1;
    if (config.certificateAuthorities() != null && !certificates) {
      throw new io.meshgate.chain.InvalidPolicyConfigException(
          "certificateAuthorities: is set but methods do not include certificate");
    }
    this.authorities =
        config.certificateAuthorities() == null
            ? null
            : CertificateAuthorities.parse(config.certificateAuthorities());
    this.apiKeyHeader = config.apiKeyHeader();
    this.apiKeyQueryParam = config.apiKeyQueryParam();
    // Looked up and removed by their normalized names, so no call lower-cases them again.
    this.apiKeyField = HeaderList.normalize(apiKeyHeader);
    this.clientIdHeader = HeaderList.normalize(config.clientIdHeader());
    this.clientSecretHeader = HeaderList.normalize(config.clientSecretHeader());
    this.digester = digester;
    this.credentialsByDigest = credentialsByDigest;
    this.appsById = appsById;
    this.appsByClientId = appsByClientId;
    StringBuilder c = new StringBuilder();
    if (apiKeys) {
      c.append("ApiKey realm=\"meshgate\", header=\"").append(apiKeyHeader).append('"');
    }
    if (clientSecrets) {
      c.append(c.length() > 0 ? ", " : "").append("Basic realm=\"meshgate\"");
    }
    if (bearer) {
      c.append(c.length() > 0 ? ", " : "").append("Bearer realm=\"meshgate\"");
    }
    if (certificates) {
      // No HTTP scheme asks for a TLS client certificate; this names what is expected.
      c.append(c.length() > 0 ? ", " : "").append("ClientCertificate realm=\"meshgate\"");
    }
    this.challenge = Map.of("WWW-Authenticate", c.toString());
    this.missingMessage = "No credential: send " + acceptedCredentials();
    this.invalidTokenChallenge =
        Map.of("WWW-Authenticate", "Bearer realm=\"meshgate\", error=\"invalid_token\"");
  }

  @Override
  public PolicyStage stage() {
    return PolicyStage.CLIENT_AUTH;
  }

  @Override
  public PolicyResult onRequest(ExchangeContext exchange) {
    HeaderList headers = exchange.requestHeaders();
    // The credential never reaches the mesh, whatever the outcome.
    exchange.upstreamHeaders().removeAll(apiKeyField);
    exchange.upstreamHeaders().removeAll(clientIdHeader);
    exchange.upstreamHeaders().removeAll(clientSecretHeader);
    if (bearer || clientSecrets) {
      exchange.upstreamHeaders().removeAll("authorization"); // Bearer token or Basic credentials
    }

    // Always strip the query parameter, even when another credential is used.
    String fromQuery = apiKeys && apiKeyQueryParam != null ? takeQueryParam(exchange) : null;

    java.security.cert.X509Certificate[] chain = exchange.clientCertificates();
    PolicyResult byCertificate = null;
    if (certificates && chain != null && chain.length > 0) {
      // A certificate from the handshake comes first: it was presented on purpose.
      byCertificate = authenticateCertificate(exchange, chain);
      if (certificateOnly
          || !(byCertificate instanceof PolicyResult.Reject refused && refused.status() == 401)) {
        return byCertificate;
      }
      // Where a certificate is optional, one that is not the app's does not stop the other
      // credentials (clients may offer any certificate they have); without one, its 401 stands.
    } else if (certificateOnly) {
      return reject(
          MISSING,
          "No client certificate: this API needs a registered client certificate in the TLS"
              + " handshake");
    }
    String apiKey = null;
    if (apiKeys) {
      apiKey = headers.first(apiKeyField);
      if (apiKey == null) {
        apiKey = fromQuery;
      }
    }
    if (apiKey != null && !apiKey.isEmpty()) {
      return authenticateApiKey(exchange, apiKey);
    }
    String authorization = headers.first("authorization");
    if (bearer
        && authorization != null
        && authorization.length() > BEARER.length()
        && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      BearerTokens.Identity identity;
      try {
        identity = bearerTokens.verify(authorization.substring(BEARER.length()).trim());
      } catch (InvalidTokenException e) {
        return PolicyResult.reject(
            401,
            INVALID,
            "The access token is not valid: " + e.getMessage(),
            invalidTokenChallenge);
      }
      // An app deleted since the token was issued makes the token invalid, like a bad signature.
      Optional<AppSnapshot> app = appsByClientId.apply(identity.clientId());
      if (app.isEmpty()) {
        return PolicyResult.reject(
            401,
            INVALID,
            "The access token is not valid: its client is not a registered app",
            invalidTokenChallenge);
      }
      exchange.tokenScopes(identity.scopes());
      exchange.endUser(identity.endUser());
      return admit(exchange, app);
    }
    if (clientSecrets) {
      String id = headers.first(clientIdHeader);
      String secret = headers.first(clientSecretHeader);
      if (id == null && secret == null) {
        String[] basic = basicCredentials(headers.first("authorization"));
        if (basic != null) {
          id = basic[0];
          secret = basic[1];
        }
      }
      if (id != null || secret != null) {
        return authenticateClientSecret(exchange, id, secret);
      }
    }
    return byCertificate != null ? byCertificate : reject(MISSING, missingMessage);
  }

  /** "an API key, client credentials or an OAuth access token", as far as accepted. */
  private String acceptedCredentials() {
    List<String> kinds = new ArrayList<>();
    if (apiKeys) {
      kinds.add("an API key");
    }
    if (clientSecrets) {
      kinds.add("client credentials");
    }
    if (bearer) {
      kinds.add("an OAuth access token (Authorization: Bearer)");
    }
    if (certificates) {
      kinds.add("a registered client certificate (TLS)");
    }
    int last = kinds.size() - 1;
    return last == 0
        ? kinds.get(0)
        : String.join(", ", kinds.subList(0, last)) + " or " + kinds.get(last);
  }

  private PolicyResult authenticateApiKey(ExchangeContext exchange, String apiKey) {
    if (apiKey == BAD_ENCODING) {
      return reject(INVALID, "The API key is not valid");
    }
    Optional<CredentialSnapshot> credential = credentialsByDigest.apply(digester.digestHex(apiKey));
    if (credential.isEmpty() || credential.get().certificate()) {
      return reject(INVALID, "The API key is not valid");
    }
    CredentialSnapshot key = credential.get();
    if (key.revokedAt() != null) {
      return reject(INVALID, "The API key has been revoked");
    }
    if (!key.usableAt(exchange.receivedAt())) {
      return reject(INVALID, "The API key has expired");
    }
    return admit(exchange, appsById.apply(key.appId()));
  }

  /**
   * The app whose registered certificate the client presented: valid now, registered, not revoked.
   * The handshake already proved the client holds its private key.
   */
  private PolicyResult authenticateCertificate(
      ExchangeContext exchange, java.security.cert.X509Certificate[] chain) {
    java.security.cert.X509Certificate leaf = chain[0];
    java.util.Date now = java.util.Date.from(exchange.receivedAt());
    if (now.after(leaf.getNotAfter())) {
      return reject(INVALID, "The client certificate has expired");
    }
    if (now.before(leaf.getNotBefore())) {
      return reject(INVALID, "The client certificate is not valid yet");
    }
    String weak = Thumbprints.weakKey(leaf.getPublicKey());
    if (weak != null) {
      // The handshake accepts any certificate; a key this weak proves nothing.
      return reject(INVALID, "The client certificate's key is too weak: " + weak);
    }
    byte[] thumbprint = Thumbprints.sha256(leaf);
    Optional<CredentialSnapshot> credential =
        certificateCredential(Thumbprints.CREDENTIAL_PREFIX + Thumbprints.hex(thumbprint));
    if (credential.isEmpty() && authorities != null) {
      if (!authorities.trust(chain, exchange.receivedAt())) {
        return reject(
            INVALID,
            "The client certificate is not registered for an app, nor issued by a CA this API"
                + " trusts");
      }
      // Issued by a CA of this API: its subject or one of its SANs may be registered.
      for (String name : CertificateNames.of(leaf)) {
        credential = certificateCredential(name);
        if (credential.isPresent()) {
          break;
        }
      }
    }
    if (credential.isEmpty()) {
      return reject(INVALID, "The client certificate is not registered for an app");
    }
    CredentialSnapshot registered = credential.get();
    if (registered.revokedAt() != null) {
      return reject(INVALID, "The client certificate has been revoked");
    }
    if (!registered.usableAt(exchange.receivedAt())) {
      return reject(INVALID, "The client certificate's registration has expired");
    }
    PolicyResult admitted = admit(exchange, appsById.apply(registered.appId()));
    if (exchange.app() != null) {
      exchange.certificateThumbprint(Thumbprints.base64Url(thumbprint));
    }
    return admitted;
  }

  /** The certificate credential registered under this name, if any (API keys never match). */
  private Optional<CredentialSnapshot> certificateCredential(String name) {
    return credentialsByDigest
        .apply(digester.digestHex(name))
        .filter(CredentialSnapshot::certificate);
  }

  private PolicyResult authenticateClientSecret(
      ExchangeContext exchange, String clientId, String secret) {
    if (clientId == null || secret == null || clientId.isEmpty()) {
      return reject(INVALID, "Client credentials need both a client id and a client secret");
    }
    Optional<AppSnapshot> app = appsByClientId.apply(clientId);
    if (app.isEmpty() || !digester.matches(secret, app.get().clientSecretDigest())) {
      return reject(INVALID, "The client credentials are not valid");
    }
    return admit(exchange, app);
  }

  private PolicyResult admit(ExchangeContext exchange, Optional<AppSnapshot> app) {
    if (app.isEmpty()) {
      return reject(INVALID, "The credential is not valid");
    }
    if (!app.get().active()) {
      return PolicyResult.reject(
          403, APP_SUSPENDED, "The app '" + app.get().name() + "' is suspended");
    }
    exchange.app(app.get());
    return PolicyResult.proceed();
  }

  private PolicyResult reject(String key, String message) {
    return PolicyResult.reject(401, key, message, challenge);
  }

  /** Reads the key from the query and removes that parameter from what goes upstream. */
  private String takeQueryParam(ExchangeContext exchange) {
    String query = exchange.rawQuery();
    if (query == null || query.isEmpty()) {
      return null;
    }
    String found = null;
    StringBuilder kept = new StringBuilder(query.length());
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (name.equals(apiKeyQueryParam)) {
        if (found == null) {
          try {
            found =
                java.net.URLDecoder.decode(
                    eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException badEscape) {
            found = BAD_ENCODING;
          }
        }
        continue;
      }
      if (kept.length() > 0) {
        kept.append('&');
      }
      kept.append(pair);
    }
    exchange.rawQuery(kept.length() == 0 ? null : kept.toString());
    return found;
  }

  private static String[] basicCredentials(String authorization) {
    if (authorization == null
        || authorization.length() <= BASIC.length()
        || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new String[] {"", null};
    }
    int colon = decoded.indexOf(':');
    return colon < 0
        ? new String[] {decoded, null}
        : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }
}
