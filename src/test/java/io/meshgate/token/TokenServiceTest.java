package io.meshgate.token;

import static io.meshgate.chain.Exchanges.NOW;
import static io.meshgate.chain.Exchanges.PRODUCT;
import static io.meshgate.chain.Exchanges.api;
import static io.meshgate.chain.Exchanges.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.meshgate.catalog.app.AppState;
import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.runtime.AppSnapshot;
import io.meshgate.catalog.runtime.PlanSnapshot;
import io.meshgate.chain.EndUser;
import io.meshgate.metrics.GatewayMetrics;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
  private final MovableClock clock = new MovableClock(NOW);
  private final FixedKeys keys = new FixedKeys();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final TokenService service = new TokenService();

  private final AppSnapshot app = app("shop");
  private final ApiSnapshot api = api();
  private final PlanSnapshot gold =
      new PlanSnapshot(5L, "gold", PRODUCT, "retail", List.of("read", "write"), 300);

  @BeforeEach
  void setUp() throws Exception {
    keys.use("kid-1", ecKeys());
    Issuer issuer = new Issuer();
    issuer.configured = Optional.of("https://gw.example.com/");
    issuer.httpPort = "9080";
    service.keys = keys;
    service.signer = GatewaySigner.of(keys);
    service.issuer = issuer;
    service.clock = clock;
    metrics.init();
    service.metrics = metrics;
    service.refreshBeforeSeconds = 60;
    service.cacheSize = 1000;
    service.endUserCacheSize = 1000;
    service.refreshAheadMax = 10_000;
    service.init();
  }

  @Test
  void tokenVerifiesWithAnIndependentLibraryAndCarriesTheClaims() throws Exception {
    String token = service.tokenFor(app, api, gold, "orders");

    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(jwt.getHeader().getKeyID()).isEqualTo("kid-1");
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
    assertThat(jwt.verify(new ECDSAVerifier((ECPublicKey) keys.pair.getPublic()))).isTrue();

    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("https://gw.example.com");
    assertThat(claims.getSubject()).isEqualTo("shop");
    assertThat(claims.getAudience()).containsExactly("orders");
    assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
    assertThat(claims.getNotBeforeTime()).isEqualTo(Date.from(NOW));
    assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plusSeconds(300)));
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getStringClaim("plan")).isEqualTo("gold");
    assertThat(claims.getStringClaim("product")).isEqualTo("retail");
    assertThat(claims.getStringClaim("app")).isEqualTo("app-shop");
    assertThat(claims.getStringClaim("scope")).isEqualTo("read write");
  }

  @Test
  void authorizationValueCarriesTheCachedTokenWithoutBuildingItPerCall() {
    String token = service.tokenFor(app, api, gold, "orders");
    String first = service.authorizationFor(app, api, gold, "orders", null, null, null, -1);
    String again = service.authorizationFor(app, api, gold, "orders", null, null, null, -1);

    assertThat(first).isEqualTo("Bearer " + token);
    // a hit hands out the cached value itself: no new header string per call
    assertThat(again).isSameAs(first);
    assertThat(service.signatures()).isEqualTo(1);
  }

  @Test
  void cachedUntilAFifthOfTheLifetimeIsLeft() {
    String first = service.tokenFor(app, api, gold, "orders");

    clock.now = NOW.plusSeconds(239);
    assertThat(service.tokenFor(app, api, gold, "orders")).isEqualTo(first);
    assertThat(service.signatures()).isEqualTo(1);
    assertThat(metrics.tokenSignatures().get()).isEqualTo(1.0);

    clock.now = NOW.plusSeconds(240);
    assertThat(service.tokenFor(app, api, gold, "orders")).isNotEqualTo(first);
    assertThat(service.signatures()).isEqualTo(2);
    assertThat(metrics.tokenSignatures().get()).isEqualTo(2.0);
  }

  @Test
  void aCallForAnEndUserCarriesThePersonInTheActClaimAndHasItsOwnToken() throws Exception {
    EndUser alice = new EndUser("alice", "https://idp.example");
    String forAlice = service.tokenFor(app, api, gold, "orders", alice, null);
    String forBob =
        service.tokenFor(app, api, gold, "orders", new EndUser("bob", "https://idp.example"), null);
    String forApp = service.tokenFor(app, api, gold, "orders");

    JWTClaimsSet claims = SignedJWT.parse(forAlice).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("shop");
    assertThat(claims.getJSONObjectClaim("act"))
        .containsEntry("sub", "alice")
        .containsEntry("iss", "https://idp.example");
    assertThat(SignedJWT.parse(forApp).getJWTClaimsSet().getClaim("act")).isNull();
    assertThat(List.of(forAlice, forBob, forApp)).doesNotHaveDuplicates();
    assertThat(service.tokenFor(app, api, gold, "orders", alice, null)).isEqualTo(forAlice);
    assertThat(service.signatures()).isEqualTo(3);
  }

  @Test
  void aNarrowBearerTokenGivesANarrowMeshToken() throws Exception {
    String narrow =
        service.tokenFor(app, api, gold, "orders", null, java.util.Set.of("write", "admin"));
    assertThat(SignedJWT.parse(narrow).getJWTClaimsSet().getStringClaim("scope"))
        .isEqualTo("write");
    String none = service.tokenFor(app, api, gold, "orders", null, java.util.Set.of());
    assertThat(SignedJWT.parse(none).getJWTClaimsSet().getStringClaim("scope")).isEmpty();
    String full = service.tokenFor(app, api, gold, "orders");
    assertThat(SignedJWT.parse(full).getJWTClaimsSet().getStringClaim("scope"))
        .isEqualTo("read write");
    assertThat(service.signatures()).isEqualTo(3);
  }

  @Test
  void eachAudienceAndPlanHasItsOwnToken() {
    String orders = service.tokenFor(app, api, gold, "orders");
    String other = service.tokenFor(app, api, gold, "billing");
    PlanSnapshot silver = new PlanSnapshot(6L, "silver", PRODUCT, "retail", List.of(), 300);
    String silverToken = service.tokenFor(app, api, silver, "orders");

    assertThat(List.of(orders, other, silverToken)).doesNotHaveDuplicates();
    assertThat(service.signatures()).isEqualTo(3);
  }

  @Test
  void aNewActiveKeyReMintsCachedTokens() throws Exception {
    String first = service.tokenFor(app, api, gold, "orders");
    keys.use("kid-2", ecKeys());

    String second = service.tokenFor(app, api, gold, "orders");

    assertThat(second).isNotEqualTo(first);
    assertThat(SignedJWT.parse(second).getHeader().getKeyID()).isEqualTo("kid-2");
  }

  @Test
  void invalidateAllForgetsCachedTokens() {
    service.tokenFor(app, api, gold, "orders");
    service.invalidateAll();
    service.tokenFor(app, api, gold, "orders");
    assertThat(service.signatures()).isEqualTo(2);
  }

  @Test
  void evictingAnAppReSignsOnlyThatAppsTokens() {
    AppSnapshot other = new AppSnapshot(43L, "other", "other", app.state(), null, List.of());
    String mine = service.tokenFor(app, api, gold, "orders");
    String theirs = service.tokenFor(other, api, gold, "orders");
    assertThat(service.signatures()).isEqualTo(2);

    service.evictApp(app.id());

    assertThat(service.tokenFor(other, api, gold, "orders")).isEqualTo(theirs);
    assertThat(service.signatures()).isEqualTo(2);
    assertThat(service.tokenFor(app, api, gold, "orders")).isNotEqualTo(mine);
    assertThat(service.signatures()).isEqualTo(3);
  }

  @Test
  void evictingAPlanAProductOrAnApiReSignsOnlyTheirTokens() {
    PlanSnapshot silver =
        new PlanSnapshot(6L, "silver", PRODUCT + 1, "outlet", List.of("read"), 300);
    ApiSnapshot reports = apiNumbered(2L);
    String goldToken = service.tokenFor(app, api, gold, "orders");
    String silverToken = service.tokenFor(app, api, silver, "orders");
    String reportsToken = service.tokenFor(app, reports, gold, "reports");
    assertThat(service.signatures()).isEqualTo(3);

    service.evictPlan(silver.id());
    assertThat(service.tokenFor(app, api, gold, "orders")).isEqualTo(goldToken);
    assertThat(service.tokenFor(app, reports, gold, "reports")).isEqualTo(reportsToken);
    assertThat(service.signatures()).isEqualTo(3);
    assertThat(service.tokenFor(app, api, silver, "orders")).isNotEqualTo(silverToken);
    assertThat(service.signatures()).isEqualTo(4);

    service.evictApi(reports.id());
    assertThat(service.tokenFor(app, api, gold, "orders")).isEqualTo(goldToken);
    assertThat(service.signatures()).isEqualTo(4);
    assertThat(service.tokenFor(app, reports, gold, "reports")).isNotEqualTo(reportsToken);
    assertThat(service.signatures()).isEqualTo(5);

    service.evictProduct(PRODUCT + 1);
    assertThat(service.tokenFor(app, api, gold, "orders")).isEqualTo(goldToken);
    assertThat(service.signatures()).isEqualTo(5);
    service.tokenFor(app, api, silver, "orders");
    assertThat(service.signatures()).isEqualTo(6);
  }

  @Test
  void aPlanEditReMintsAheadTheTokensOfItsActiveSubscriptionsAndNoOthers() throws Exception {
    io.meshgate.catalog.runtime.FakeCatalog catalog = new io.meshgate.catalog.runtime.FakeCatalog();
    service.catalog = catalog.cache();
    PlanSnapshot silver = new PlanSnapshot(6L, "silver", PRODUCT, "retail", List.of("read"), 300);
    AppSnapshot first = appOn(1L, silver, AppState.ACTIVE);
    AppSnapshot second = appOn(2L, silver, AppState.ACTIVE);
    AppSnapshot leaving = appOn(3L, silver, AppState.ACTIVE);
    AppSnapshot onGold = appOn(4L, gold, AppState.ACTIVE);
    catalog.api(api);
    for (AppSnapshot a : List.of(first, second, leaving, onGold)) {
      catalog.app(a);
      service.tokenFor(
          catalog.cache().appById(a.id()).orElseThrow(),
          api,
          a.subscriptions().get(0).plan(),
          "orders",
          null,
          null,
          catalog.cache().generation());
    }
    String goldToken = service.tokenFor(onGold, api, gold, "orders");
    assertThat(service.signatures()).isEqualTo(4);

    // The edit: silver's tokens now live 120 s; one of its apps was suspended in the meantime.
    PlanSnapshot edited = new PlanSnapshot(6L, "silver", PRODUCT, "retail", List.of("read"), 120);
    AppSnapshot firstNow = appOn(1L, edited, AppState.ACTIVE);
    catalog.app(firstNow).app(appOn(2L, edited, AppState.ACTIVE));
    catalog.app(appOn(3L, edited, AppState.SUSPENDED));
    clock.now = NOW.plusSeconds(10);
    catalog.cache().publishedApis();
    int readsBeforeEdit = catalog.reads();
    catalog.cache().evictPlan(6L);
    service.evictPlan(6L);

    assertThat(service.signatures()).isEqualTo(6); // the two active apps of silver, ahead of calls
    assertThat(catalog.reads()).isEqualTo(readsBeforeEdit + 1); // the three apps in one read
    int readsBefore = catalog.reads();
    String firstToken =
        service.tokenFor(
            catalog.cache().appById(1L).orElseThrow(),
            api,
            edited,
            "orders",
            null,
            null,
            catalog.cache().generation());
    assertThat(catalog.reads()).isEqualTo(readsBefore); // its snapshot was reloaded ahead too
    assertThat(service.signatures()).isEqualTo(6);
    assertThat(SignedJWT.parse(firstToken).getJWTClaimsSet().getExpirationTime())
        .isEqualTo(Date.from(NOW.plusSeconds(10 + 120)));
    assertThat(service.tokenFor(onGold, api, gold, "orders")).isEqualTo(goldToken);
    assertThat(service.signatures()).isEqualTo(6);
  }

  @Test
  void aNarrowedTokenIsReMintedAheadOnlyWhileThePlanStillGrantsItsScopes() throws Exception {
    io.meshgate.catalog.runtime.FakeCatalog catalog = new io.meshgate.catalog.runtime.FakeCatalog();
    service.catalog = catalog.cache();
    catalog.api(api).app(appOn(1L, gold, AppState.ACTIVE)).app(appOn(2L, gold, AppState.ACTIVE));
    java.util.Set<String> onlyRead = java.util.Set.of("read");
    service.tokenFor(appOn(1L, gold, AppState.ACTIVE), api, gold, "orders", null, onlyRead);
    service.tokenFor(appOn(2L, gold, AppState.ACTIVE), api, gold, "orders");
    assertThat(service.signatures()).isEqualTo(2);

    // Same scopes, longer name: both tokens are re-minted, the narrowed one still narrowed.
    PlanSnapshot renamed =
        new PlanSnapshot(5L, "gold-2", PRODUCT, "retail", List.of("read", "write"), 300);
    catalog.app(appOn(1L, renamed, AppState.ACTIVE)).app(appOn(2L, renamed, AppState.ACTIVE));
    catalog.cache().evictPlan(5L);
    service.evictPlan(5L);
    assertThat(service.signatures()).isEqualTo(4);
    String narrowed =
        service.tokenFor(
            appOn(1L, renamed, AppState.ACTIVE), api, renamed, "orders", null, onlyRead);
    assertThat(SignedJWT.parse(narrowed).getJWTClaimsSet().getStringClaim("scope"))
        .isEqualTo("read");
    assertThat(SignedJWT.parse(narrowed).getJWTClaimsSet().getStringClaim("plan"))
        .isEqualTo("gold-2");
    assertThat(service.signatures()).isEqualTo(4);

    // "write" taken away: the narrowed token ("read") is what app 1's next call needs and is
    // re-minted; app 2's "read write" may have been a narrowing too, so its call mints its own.
    PlanSnapshot readOnly = new PlanSnapshot(5L, "gold-2", PRODUCT, "retail", List.of("read"), 300);
    catalog.app(appOn(1L, readOnly, AppState.ACTIVE)).app(appOn(2L, readOnly, AppState.ACTIVE));
    catalog.cache().evictPlan(5L);
    service.evictPlan(5L);
    assertThat(service.signatures()).isEqualTo(5);

    // "read" taken away as well: neither token can be told, none is signed ahead.
    PlanSnapshot none = new PlanSnapshot(5L, "gold-2", PRODUCT, "retail", List.of("write"), 300);
    catalog.app(appOn(1L, none, AppState.ACTIVE)).app(appOn(2L, none, AppState.ACTIVE));
    catalog.cache().evictPlan(5L);
    service.evictPlan(5L);
    assertThat(service.signatures()).isEqualTo(5);
  }

  @Test
  void aTokenMintedFromSnapshotsReadBeforeAnEvictionIsUsedButNotKept() {
    io.meshgate.catalog.runtime.FakeCatalog catalog = new io.meshgate.catalog.runtime.FakeCatalog();
    service.catalog = catalog.cache();
    long before = catalog.cache().generation();
    catalog.cache().evictApp(app.id(), app.clientId()); // while the call was under way

    String stale = service.tokenFor(app, api, gold, "orders", null, null, before);
    String fresh =
        service.tokenFor(app, api, gold, "orders", null, null, catalog.cache().generation());
    String cached =
        service.tokenFor(app, api, gold, "orders", null, null, catalog.cache().generation());

    assertThat(fresh).isNotEqualTo(stale);
    assertThat(cached).isEqualTo(fresh);
    assertThat(service.signatures()).isEqualTo(2);
  }

  @Test
  void aPlanTtlAboveTheCapIsClampedToIt() throws Exception {
    PlanSnapshot day = new PlanSnapshot(7L, "day", PRODUCT, "retail", List.of(), 86_400);

    JWTClaimsSet claims =
        SignedJWT.parse(service.tokenFor(app, api, day, "orders")).getJWTClaimsSet();

    assertThat(claims.getExpirationTime())
        .isEqualTo(Date.from(NOW.plus(TokenService.DEFAULT_MAX_TTL)));
    assertThat(service.maxTtlSeconds()).isEqualTo(300);
  }

  @Test
  void aShorterCapIsConfigurableAndAShorterPlanTtlStays() throws Exception {
    service.maxTtlSetting = "PT2M";
    metrics.init(); // a fresh registry: init() registers the cache gauge again
    service.init();
    PlanSnapshot day = new PlanSnapshot(7L, "day", PRODUCT, "retail", List.of(), 86_400);
    PlanSnapshot minute = new PlanSnapshot(8L, "minute", PRODUCT, "retail", List.of(), 60);

    assertThat(
            SignedJWT.parse(service.tokenFor(app, api, day, "orders"))
                .getJWTClaimsSet()
                .getExpirationTime())
        .isEqualTo(Date.from(NOW.plusSeconds(120)));
    assertThat(
            SignedJWT.parse(service.tokenFor(app, api, minute, "orders"))
                .getJWTClaimsSet()
                .getExpirationTime())
        .isEqualTo(Date.from(NOW.plusSeconds(60)));
  }

  @Test
  void theCapParsesDurationsAndSecondsAndFallsBackToTheDefaultOnABadValue() {
    assertThat(TokenService.maxTtl("PT10M")).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(TokenService.maxTtl("90")).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(TokenService.maxTtl(null)).isEqualTo(TokenService.DEFAULT_MAX_TTL);
    assertThat(TokenService.maxTtl("soon")).isEqualTo(TokenService.DEFAULT_MAX_TTL);
    assertThat(TokenService.maxTtl("PT29S")).isEqualTo(TokenService.DEFAULT_MAX_TTL);
  }

  /** An app of its own id with one active subscription to {@code plan}. */
  private static AppSnapshot appOn(long id, PlanSnapshot plan, AppState state) {
    return new AppSnapshot(
        id,
        "app-" + id,
        "client-" + id,
        state,
        null,
        List.of(
            new io.meshgate.catalog.runtime.SubscriptionSnapshot(
                100 + id, io.meshgate.catalog.subscription.SubscriptionState.ACTIVE, plan)));
  }

  private static ApiSnapshot apiNumbered(long id) {
    ApiSnapshot a = api();
    return new ApiSnapshot(
        id,
        "api-" + id,
        a.version(),
        "/api-" + id,
        a.upstreamUrl(),
        "api-" + id,
        null,
        null,
        1L,
        List.of(),
        a.productIds());
  }

  @Test
  void noActiveKey() {
    keys.active = null;
    assertThatThrownBy(() -> service.tokenFor(app, api, gold, "orders"))
        .isInstanceOf(SigningUnavailableException.class)
        .hasMessage("No active signing key");
  }

  /** Signing keys without a database: the test decides which key is active. */
  static final class FixedKeys extends SigningKeys {
    volatile ActiveKey active;
    KeyPair pair;

    void use(String kid, KeyPair pair) {
      this.pair = pair;
      this.active = new ActiveKey(kid, "ES256", pair.getPrivate());
    }

    @Override
    public ActiveKey active() {
      if (active == null) {
        throw new SigningUnavailableException("No active signing key");
      }
      return active;
    }
  }

  static final class MovableClock extends Clock {
    Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
