package io.meshgate.policy.clientauth;

import static io.meshgate.chain.Exchanges.NOW;
import static io.meshgate.chain.Exchanges.exchange;
import static io.meshgate.chain.Exchanges.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.app.AppState;
import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.CredentialSnapshot;
import io.meshgate.chain.ExchangeContext;
import io.meshgate.chain.PolicyResult;
import io.meshgate.chain.PolicyStage;
import io.meshgate.support.SecretDigester;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAuthPolicyTest {
  private static final String BOTH_CHALLENGES =
      "ApiKey realm=\"meshgate\", header=\"X-API-Key\", Basic realm=\"meshgate\"";

  private final SecretDigester digester =
      SecretDigester.withPepper(
          "test-pepper-32-bytes-long-enough".getBytes(StandardCharsets.UTF_8));
  private final Map<String, CredentialSnapshot> credentials = new HashMap<>();
  private final Map<Long, AppSnapshot> appsById = new HashMap<>();
  private final Map<String, AppSnapshot> appsByClientId = new HashMap<>();

  private final AppSnapshot shop = app(1L, "shop", AppState.ACTIVE, "s3cret");
  private final AppSnapshot frozen = app(2L, "frozen", AppState.SUSPENDED, "frozen-secret");

  ClientAuthPolicyTest() {
    key("good-key", new CredentialSnapshot(11L, 1L, "good", null, null));
    key("frozen-key", new CredentialSnapshot(12L, 2L, "froz", null, null));
    key("revoked-key", new CredentialSnapshot(13L, 1L, "revo", null, NOW.minusSeconds(60)));
    key("expired-key", new CredentialSnapshot(14L, 1L, "expi", NOW, null));
    key("later-key", new CredentialSnapshot(15L, 1L, "late", NOW.plusSeconds(1), null));
    key("orphan-key", new CredentialSnapshot(16L, 99L, "orph", null, null));
  }

  @Test
  void runsAtClientAuthStage() {
    assertThat(policy(new ClientAuthPolicyConfig(null, null, null, null, null, null)).stage())
        .isEqualTo(PolicyStage.CLIENT_AUTH);
  }

  @Test
  void apiKeyInHeaderAdmitsItsAppAndNeverReachesUpstream() {
    ExchangeContext exchange = exchange(headers("X_API_KEY", "good-key", "Accept", "*/*"));

    assertThat(defaults().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);

    assertThat(exchange.app()).isEqualTo(shop);
    assertThat(exchange.upstreamHeaders().contains("x-api-key")).isFalse();
    assertThat(exchange.upstreamHeaders().first("accept")).isEqualTo("*/*");
  }

  @Test
  void customApiKeyHeader() {
    ClientAuthPolicy policy =
        policy(
            new ClientAuthPolicyConfig(List.of("api-key"), "X-Shop-Key", null, null, null, null));
    ExchangeContext exchange = exchange(headers("x-shop-key", "good-key", "X-API-Key", "good-key"));

    assertThat(policy.onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.upstreamHeaders().contains("x-shop-key")).isFalse();
  }

  @Test
  void unknownKey() {
    assertThat(defaults().onRequest(exchange(headers("X-API-Key", "nope"))))
        .isEqualTo(invalid("The API key is not valid"));
  }

  @Test
  void missingCredential() {
    ExchangeContext exchange = exchange(headers("Accept", "*/*"));
    assertThat(defaults().onRequest(exchange))
        .isEqualTo(
            PolicyResult.reject(
                401,
                "CLIENT_AUTH_MISSING",
                "No credential: send an API key or client credentials",
                Map.of("WWW-Authenticate", BOTH_CHALLENGES)));
    assertThat(exchange.app()).isNull();
  }

  @Test
  void emptyApiKeyCountsAsMissing() {
    assertThat(defaults().onRequest(exchange(headers("X-API-Key", ""))))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_MISSING"));
  }

  @Test
  void challengeListsOnlyTheAcceptedMethods() {
    ClientAuthPolicy keysOnly =
        policy(new ClientAuthPolicyConfig(List.of("api-key"), "X-Key", null, null, null, null));
    ClientAuthPolicy secretsOnly =
        policy(new ClientAuthPolicyConfig(List.of("client-secret"), null, null, null, null, null));

    assertThat(((PolicyResult.Reject) keysOnly.onRequest(exchange(headers()))).headers())
        .containsExactly(
            Map.entry("WWW-Authenticate", "ApiKey realm=\"meshgate\", header=\"X-Key\""));
    assertThat(((PolicyResult.Reject) secretsOnly.onRequest(exchange(headers()))).headers())
        .containsExactly(Map.entry("WWW-Authenticate", "Basic realm=\"meshgate\""));
  }

  @Test
  void keysAreIgnoredWhenTheMethodIsNotAccepted() {
    ClientAuthPolicy secretsOnly =
        policy(new ClientAuthPolicyConfig(List.of("client-secret"), null, null, null, null, null));
    ExchangeContext exchange = exchange(headers("X-API-Key", "good-key"));

    assertThat(secretsOnly.onRequest(exchange))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_MISSING"));
    assertThat(exchange.upstreamHeaders().contains("x-api-key")).isFalse();
  }

  @Test
  void revokedKey() {
    assertThat(defaults().onRequest(exchange(headers("X-API-Key", "revoked-key"))))
        .isEqualTo(invalid("The API key has been revoked"));
  }

  @Test
  void expiredKeyAtItsExpiryInstant() {
    assertThat(defaults().onRequest(exchange(headers("X-API-Key", "expired-key"))))
        .isEqualTo(invalid("The API key has expired"));
  }

  @Test
  void keyIsGoodUntilItsExpiryAndNotAfter() {
    ClientAuthPolicy policy = defaults();
    assertThat(policy.onRequest(exchange(headers("X-API-Key", "later-key"))))
        .isSameAs(PolicyResult.PROCEED);

    ExchangeContext later =
        exchange(NOW.plusSeconds(1), "203.0.113.7", null, headers("X-API-Key", "later-key"));
    assertThat(policy.onRequest(later)).isEqualTo(invalid("The API key has expired"));
  }

  @Test
  void keyOfAnUnknownApp() {
    assertThat(defaults().onRequest(exchange(headers("X-API-Key", "orphan-key"))))
        .isEqualTo(invalid("The credential is not valid"));
  }

  @Test
  void keyOfASuspendedApp() {
    ExchangeContext exchange = exchange(headers("X-API-Key", "frozen-key"));
    assertThat(defaults().onRequest(exchange))
        .isEqualTo(
            PolicyResult.reject(403, "CLIENT_AUTH_APP_SUSPENDED", "The app 'frozen' is suspended"));
    assertThat(exchange.app()).isNull();
  }

  @Test
  void clientIdAndSecretInHeaders() {
    ExchangeContext exchange =
        exchange(headers("X-Client-Id", "shop", "X_Client_Secret", "s3cret", "Accept", "*/*"));

    assertThat(defaults().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);

    assertThat(exchange.app()).isEqualTo(shop);
    assertThat(exchange.upstreamHeaders().contains("x-client-id")).isFalse();
    assertThat(exchange.upstreamHeaders().contains("x-client-secret")).isFalse();
    assertThat(exchange.upstreamHeaders().size()).isEqualTo(1);
  }

  @Test
  void clientIdAndSecretViaHttpBasic() {
    ExchangeContext exchange = exchange(headers("Authorization", basic("shop:s3cret")));

    assertThat(defaults().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.app()).isEqualTo(shop);
  }

  @Test
  void basicSchemeIsCaseInsensitiveAndSecretMayContainColons() {
    appsByClientId.put("colon", app(3L, "colon", AppState.ACTIVE, "a:b:c"));
    ExchangeContext exchange =
        exchange(
            headers(
                "authorization",
                "BASIC "
                    + Base64.getEncoder()
                        .encodeToString("colon:a:b:c".getBytes(StandardCharsets.UTF_8))));

    assertThat(defaults().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
  }

  @Test
  void wrongSecret() {
    assertThat(
            defaults()
                .onRequest(exchange(headers("X-Client-Id", "shop", "X-Client-Secret", "guess"))))
        .isEqualTo(invalid("The client credentials are not valid"));
    assertThat(defaults().onRequest(exchange(headers("Authorization", basic("shop:guess")))))
        .isEqualTo(invalid("The client credentials are not valid"));
  }

  @Test
  void unknownClientId() {
    assertThat(
            defaults()
                .onRequest(exchange(headers("X-Client-Id", "ghost", "X-Client-Secret", "s3cret"))))
        .isEqualTo(invalid("The client credentials are not valid"));
  }

  @Test
  void idWithoutSecretOrSecretWithoutId() {
    String message = "Client credentials need both a client id and a client secret";
    assertThat(defaults().onRequest(exchange(headers("X-Client-Id", "shop"))))
        .isEqualTo(invalid(message));
    assertThat(defaults().onRequest(exchange(headers("X-Client-Secret", "s3cret"))))
        .isEqualTo(invalid(message));
    assertThat(defaults().onRequest(exchange(headers("Authorization", basic("shop")))))
        .isEqualTo(invalid(message));
    assertThat(defaults().onRequest(exchange(headers("Authorization", "Basic !!not-base64!!"))))
        .isEqualTo(invalid(message));
  }

  @Test
  void bearerAuthorizationIsNotAClientCredential() {
    assertThat(defaults().onRequest(exchange(headers("Authorization", "Bearer abc"))))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_MISSING"));
  }

  @Test
  void suspendedAppWithRightSecret() {
    assertThat(
            defaults()
                .onRequest(
                    exchange(headers("X-Client-Id", "frozen", "X-Client-Secret", "frozen-secret"))))
        .isEqualTo(
            PolicyResult.reject(403, "CLIENT_AUTH_APP_SUSPENDED", "The app 'frozen' is suspended"));
  }

  @Test
  void apiKeyInTheQueryIsIgnoredUnlessConfigured() {
    ExchangeContext exchange = exchange("203.0.113.7", "a=1&apikey=good-key", headers());

    assertThat(defaults().onRequest(exchange))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_MISSING"));
    assertThat(exchange.rawQuery()).isEqualTo("a=1&apikey=good-key");
  }

  @Test
  void apiKeyInTheConfiguredQueryParamIsTakenOutOfTheQuery() {
    ExchangeContext exchange = exchange("203.0.113.7", "a=%20x&apikey=good-key&b=2", headers());

    assertThat(queryKeys().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);

    assertThat(exchange.app()).isEqualTo(shop);
    assertThat(exchange.rawQuery()).isEqualTo("a=%20x&b=2");
  }

  @Test
  void queryKeyIsPercentDecodedAndEveryOccurrenceRemoved() {
    key("k+y/=", new CredentialSnapshot(17L, 1L, "k+y/", null, null));
    ExchangeContext exchange =
        exchange("203.0.113.7", "apikey=k%2By%2F%3D&x=%2F&apikey=other", headers());

    assertThat(queryKeys().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.rawQuery()).isEqualTo("x=%2F");
  }

  @Test
  void queryWithOnlyTheKeyBecomesNoQuery() {
    ExchangeContext exchange = exchange("203.0.113.7", "apikey=good-key", headers());

    assertThat(queryKeys().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.rawQuery()).isNull();
  }

  @Test
  void unknownQueryKeyIsRemovedToo() {
    ExchangeContext exchange = exchange("203.0.113.7", "apikey=nope&b=2", headers());

    assertThat(queryKeys().onRequest(exchange)).isEqualTo(invalid("The API key is not valid"));
    assertThat(exchange.rawQuery()).isEqualTo("b=2");
  }

  @Test
  void similarlyNamedParamsAreKept() {
    ExchangeContext exchange = exchange("203.0.113.7", "apikeys=1&xapikey=2&APIKEY=3", headers());

    assertThat(queryKeys().onRequest(exchange))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_MISSING"));
    assertThat(exchange.rawQuery()).isEqualTo("apikeys=1&xapikey=2&APIKEY=3");
  }

  @Test
  void headerKeyWinsOverQueryKey() {
    ExchangeContext exchange = exchange("203.0.113.7", "b=2", headers("X-API-Key", "good-key"));

    assertThat(queryKeys().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.rawQuery()).isEqualTo("b=2");
  }

  @Test
  void queryKeyNeverReachesUpstreamEvenWhenTheHeaderCarriesOne() {
    ExchangeContext exchange =
        exchange("203.0.113.7", "apikey=frozen-key&b=2", headers("X-API-Key", "good-key"));

    assertThat(queryKeys().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.rawQuery()).isEqualTo("b=2");
  }

  @Test
  void malformedPercentEncodingInTheQueryKeyIsARejectNotAnException() {
    ExchangeContext exchange = exchange("203.0.113.7", "apikey=%zz&b=2", headers());

    assertThat(queryKeys().onRequest(exchange))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_INVALID"));
    assertThat(exchange.rawQuery()).isEqualTo("b=2");
  }

  private ClientAuthPolicy defaults() {
    return policy(new ClientAuthPolicyConfig(null, null, null, null, null, null));
  }

  private ClientAuthPolicy queryKeys() {
    return policy(new ClientAuthPolicyConfig(null, null, "apikey", null, null, null));
  }

  private ClientAuthPolicy bearerPolicy() {
    return new ClientAuthPolicy(
        new ClientAuthPolicyConfig(List.of("oauth2"), null, null, null, null, null),
        digester,
        digest -> Optional.ofNullable(credentials.get(digest)),
        id -> Optional.ofNullable(appsById.get(id)),
        clientId -> Optional.ofNullable(appsByClientId.get(clientId)),
        token ->
            token.equals("good-token")
                ? identity("shop")
                : token.equals("frozen-token") ? identity("frozen") : refuse());
  }

  @Test
  void validBearerTokenAdmitsTheAppItWasIssuedToAndNeverReachesUpstream() {
    ExchangeContext exchange = exchange(headers("Authorization", "Bearer good-token"));
    assertThat(bearerPolicy().onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.app()).isEqualTo(shop);
    assertThat(exchange.tokenScopes()).isEmpty();
    assertThat(exchange.upstreamHeaders().contains("authorization")).isFalse();
  }

  @Test
  void invalidBearerTokenIs401WithInvalidTokenChallenge() {
    assertThat(bearerPolicy().onRequest(exchange(headers("Authorization", "Bearer forged"))))
        .isEqualTo(
            PolicyResult.reject(
                401,
                "CLIENT_AUTH_INVALID",
                "The access token is not valid: signature not valid",
                Map.of("WWW-Authenticate", "Bearer realm=\"meshgate\", error=\"invalid_token\"")));
  }

  @Test
  void bearerTokenOfASuspendedAppIs403() {
    assertThat(bearerPolicy().onRequest(exchange(headers("Authorization", "Bearer frozen-token"))))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_APP_SUSPENDED"));
  }

  @Test
  void bearerTokenIsIgnoredWhenTheApiDoesNotAllowOauth2() {
    assertThat(defaults().onRequest(exchange(headers("Authorization", "Bearer good-token"))))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_MISSING"));
  }

  private ClientAuthPolicy bearerOrKeyPolicy() {
    return new ClientAuthPolicy(
        new ClientAuthPolicyConfig(List.of("oauth2", "api-key"), null, null, null, null, null),
        digester,
        digest -> Optional.ofNullable(credentials.get(digest)),
        id -> Optional.ofNullable(appsById.get(id)),
        clientId -> Optional.ofNullable(appsByClientId.get(clientId)),
        token -> token.equals("good-token") ? identity("shop") : refuse());
  }

  @Test
  void missingCredentialNamesEveryAcceptedMethodInMessageAndChallenge() {
    assertThat(bearerOrKeyPolicy().onRequest(exchange(headers("Accept", "*/*"))))
        .isEqualTo(
            PolicyResult.reject(
                401,
                "CLIENT_AUTH_MISSING",
                "No credential: send an API key or an OAuth access token (Authorization: Bearer)",
                Map.of(
                    "WWW-Authenticate",
                    "ApiKey realm=\"meshgate\", header=\"X-API-Key\", Bearer realm=\"meshgate\"")));
    ClientAuthPolicy all =
        policy(
            new ClientAuthPolicyConfig(
                List.of("client-secret", "oauth2", "api-key"), null, null, null, null, null));
    assertThat(all.onRequest(exchange(headers())))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r ->
                assertThat(r.message())
                    .isEqualTo(
                        "No credential: send an API key, client credentials or an OAuth access"
                            + " token (Authorization: Bearer)"));
    assertThat(bearerPolicy().onRequest(exchange(headers())))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r ->
                assertThat(r.message())
                    .isEqualTo(
                        "No credential: send an OAuth access token (Authorization: Bearer)"));
  }

  @Test
  void bearerSchemeIsCaseInsensitiveAndTheTokenIsTrimmed() {
    assertThat(bearerPolicy().onRequest(exchange(headers("authorization", "bEaReR  good-token "))))
        .isSameAs(PolicyResult.PROCEED);
  }

  @Test
  void emptyBearerTokenIsInvalidNotMissing() {
    assertThat(bearerPolicy().onRequest(exchange(headers("Authorization", "Bearer    "))))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> {
              assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_INVALID");
              assertThat(r.headers())
                  .containsEntry(
                      "WWW-Authenticate", "Bearer realm=\"meshgate\", error=\"invalid_token\"");
            });
  }

  @Test
  void rejectedBearerTokenNeverReachesUpstreamEither() {
    ExchangeContext exchange = exchange(headers("Authorization", "Bearer forged"));
    assertThat(bearerPolicy().onRequest(exchange)).isInstanceOf(PolicyResult.Reject.class);
    assertThat(exchange.upstreamHeaders().contains("authorization")).isFalse();
  }

  @Test
  void apiKeyWinsOverABearerToken() {
    ExchangeContext exchange =
        exchange(headers("X-API-Key", "frozen-key", "Authorization", "Bearer good-token"));
    assertThat(bearerOrKeyPolicy().onRequest(exchange))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_APP_SUSPENDED"));
  }

  @Test
  void basicCredentialsAreNotAcceptedWhereOnlyOauth2AndKeysAre() {
    assertThat(
            bearerOrKeyPolicy().onRequest(exchange(headers("Authorization", basic("shop:s3cret")))))
        .isInstanceOfSatisfying(
            PolicyResult.Reject.class,
            r -> assertThat(r.errorKey()).isEqualTo("CLIENT_AUTH_MISSING"));
  }

  @Test
  void bearerTokenOfAnAppNoLongerInTheCatalogIsInvalid() {
    ClientAuthPolicy policy =
        new ClientAuthPolicy(
            new ClientAuthPolicyConfig(List.of("oauth2"), null, null, null, null, null),
            digester,
            digest -> Optional.empty(),
            id -> Optional.empty(),
            clientId -> Optional.empty(),
            token -> identity("deleted-client"));
    assertThat(policy.onRequest(exchange(headers("Authorization", "Bearer t"))))
        .isEqualTo(
            PolicyResult.reject(
                401,
                "CLIENT_AUTH_INVALID",
                "The access token is not valid: its client is not a registered app",
                Map.of("WWW-Authenticate", "Bearer realm=\"meshgate\", error=\"invalid_token\"")));
  }

  // ------------------------------------------------------------ client certificates

  private static final io.meshgate.testing.TestPki.Ca CERT_CA =
      io.meshgate.testing.TestPki.ca("policy unit CA");

  private java.security.cert.X509Certificate registered(
      java.security.cert.X509Certificate cert, long appId, java.time.Instant revokedAt) {
    String hex =
        io.meshgate.support.tls.Thumbprints.hex(io.meshgate.support.tls.Thumbprints.sha256(cert));
    credentials.put(
        digester.digestHex("x5t#S256:" + hex),
        new CredentialSnapshot(40L, appId, hex.substring(0, 16), null, revokedAt, "certificate"));
    return cert;
  }

  /** A certificate valid at the tests' fixed {@code NOW}. */
  private static java.security.cert.X509Certificate certificate(String cn) {
    return CERT_CA.issue(cn, NOW.minusSeconds(3600), java.time.Duration.ofDays(1)).cert();
  }

  private ClientAuthPolicy certificates(String... methods) {
    return policy(new ClientAuthPolicyConfig(List.of(methods), null, null, null, null, null));
  }

  private static PolicyResult.Reject refused(PolicyResult result) {
    assertThat(result).isInstanceOf(PolicyResult.Reject.class);
    return (PolicyResult.Reject) result;
  }

  private static ExchangeContext presenting(
      java.security.cert.X509Certificate cert, String... headers) {
    ExchangeContext exchange = exchange(headers(headers));
    exchange.clientCertificates(new java.security.cert.X509Certificate[] {cert});
    return exchange;
  }

  @Test
  void aRegisteredCertificateAdmitsItsAppAndRecordsItsThumbprint() {
    var cert = registered(certificate("shop"), 1L, null);
    ExchangeContext exchange = presenting(cert);

    assertThat(certificates("certificate").onRequest(exchange)).isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.app()).isEqualTo(shop);
    assertThat(exchange.certificateThumbprint())
        .isEqualTo(
            io.meshgate.support.tls.Thumbprints.base64Url(
                io.meshgate.support.tls.Thumbprints.sha256(cert)));
  }

  @Test
  void unknownRevokedExpiredAndMissingCertificatesAreRefused() {
    ClientAuthPolicy policy = certificates("certificate");
    assertThat(refused(policy.onRequest(presenting(certificate("stranger")))).errorKey())
        .isEqualTo("CLIENT_AUTH_INVALID");
    var revoked = registered(certificate("revoked"), 1L, NOW.minusSeconds(1));
    assertThat(refused(policy.onRequest(presenting(revoked))).message()).contains("revoked");
    var expired =
        registered(
            CERT_CA
                .issue("old", NOW.minus(java.time.Duration.ofDays(3)), java.time.Duration.ofDays(1))
                .cert(),
            1L,
            null);
    assertThat(refused(policy.onRequest(presenting(expired))).message()).contains("expired");
    PolicyResult.Reject none =
        refused(policy.onRequest(exchange(headers("X-API-Key", "good-key"))));
    assertThat(none.errorKey()).isEqualTo("CLIENT_AUTH_MISSING");
    assertThat(none.message()).contains("client certificate");
  }

  @Test
  void aCertificateCredentialIsNeverAnApiKeyNorAnApiKeyACertificate() {
    var cert = registered(certificate("shop"), 1L, null);
    String hex =
        io.meshgate.support.tls.Thumbprints.hex(io.meshgate.support.tls.Thumbprints.sha256(cert));
    assertThat(
            refused(
                    certificates("api-key", "certificate")
                        .onRequest(exchange(headers("X-API-Key", "x5t#S256:" + hex))))
                .errorKey())
        .isEqualTo("CLIENT_AUTH_INVALID");
    // And a certificate whose thumbprint digest is some API key's is not registered.
    key("x5t#S256:" + hex, new CredentialSnapshot(41L, 1L, "xx", null, null));
    assertThat(refused(certificates("certificate").onRequest(presenting(cert))).errorKey())
        .isEqualTo("CLIENT_AUTH_INVALID");
  }

  @Test
  void whereACertificateIsOptionalTheOtherMethodsStillWork() {
    ExchangeContext exchange = exchange(headers("X-API-Key", "good-key"));
    assertThat(certificates("certificate", "api-key").onRequest(exchange))
        .isSameAs(PolicyResult.PROCEED);
    assertThat(exchange.certificateThumbprint()).isNull();
  }

  private ClientAuthPolicy policy(ClientAuthPolicyConfig config) {
    return new ClientAuthPolicy(
        config,
        digester,
        digest -> Optional.ofNullable(credentials.get(digest)),
        id -> Optional.ofNullable(appsById.get(id)),
        clientId -> Optional.ofNullable(appsByClientId.get(clientId)));
  }

  private PolicyResult invalid(String message) {
    return PolicyResult.reject(
        401, "CLIENT_AUTH_INVALID", message, Map.of("WWW-Authenticate", BOTH_CHALLENGES));
  }

  private void key(String apiKey, CredentialSnapshot credential) {
    credentials.put(digester.digestHex(apiKey), credential);
  }

  private AppSnapshot app(long id, String clientId, AppState state, String secret) {
    AppSnapshot app =
        new AppSnapshot(id, clientId, clientId, state, digester.digest(secret), List.of());
    appsById.put(id, app);
    appsByClientId.put(clientId, app);
    return app;
  }

  private static String basic(String idColonSecret) {
    return "Basic "
        + Base64.getEncoder().encodeToString(idColonSecret.getBytes(StandardCharsets.UTF_8));
  }

  private static BearerTokens.Identity identity(String clientId) {
    return new BearerTokens.Identity(clientId, java.util.Set.of(), null);
  }

  private static BearerTokens.Identity refuse() {
    throw new io.meshgate.token.InvalidTokenException("signature not valid");
  }
}
