package io.meshgate.catalog.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.app.AppState;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogCacheTest {

  @Test
  void publishedApisAreLongestBasePathFirstAndLoadedOnce() {
    FakeCatalog catalog =
        new FakeCatalog().api(api(1, "/")).api(api(2, "/shop/orders")).api(api(3, "/shop"));

    assertThat(catalog.cache().publishedApis())
        .extracting(ApiSnapshot::basePath)
        .containsExactly("/shop/orders", "/shop", "/");
    catalog.cache().publishedApis();
    assertThat(catalog.reads()).isEqualTo(1);
  }

  @Test
  void missesAreCachedToo() {
    FakeCatalog catalog = new FakeCatalog();

    assertThat(catalog.cache().credentialByDigest("00ff")).isEmpty();
    assertThat(catalog.cache().credentialByDigest("00ff")).isEmpty();
    assertThat(catalog.cache().appByClientId("ghost")).isEmpty();
    assertThat(catalog.cache().appByClientId("ghost")).isEmpty();
    assertThat(catalog.reads()).isEqualTo(2);
  }

  @Test
  void aFloodOfMadeUpKeysKeepsAtMostMaxMissesAndNeverPushesOutAKnownKey() {
    FakeCatalog catalog =
        new FakeCatalog().credential("aa", new CredentialSnapshot(1L, 7L, "ab", null, null));
    assertThat(catalog.cache().credentialByDigest("aa")).isPresent();

    for (int i = 0; i < 5_000; i++) {
      assertThat(catalog.cache().credentialByDigest("made-up-" + i)).isEmpty();
      assertThat(catalog.cache().appByClientId("ghost-" + i)).isEmpty();
    }

    assertThat(catalog.cache().cachedMisses()).isLessThanOrEqualTo(2 * 100);
    int reads = catalog.reads();
    assertThat(catalog.cache().credentialByDigest("aa")).isPresent();
    assertThat(catalog.reads()).isEqualTo(reads);
  }

  @Test
  void negativeCacheSizesFallBackToTheDefaultsInsteadOfFailingTheStart() {
    FakeCatalog catalog =
        new FakeCatalog(-1, -5).credential("aa", new CredentialSnapshot(1L, 7L, "ab", null, null));

    assertThat(catalog.cache().maxEntries).isEqualTo(1_000_000);
    assertThat(catalog.cache().maxMisses).isEqualTo(100_000);
    assertThat(catalog.cache().credentialByDigest("aa")).isPresent();
    assertThat(catalog.cache().credentialByDigest("made-up")).isEmpty();
    int reads = catalog.reads();
    assertThat(catalog.cache().credentialByDigest("aa")).isPresent();
    assertThat(catalog.cache().credentialByDigest("made-up")).isEmpty();
    assertThat(catalog.reads()).isEqualTo(reads);
  }

  @Test
  void aClientIdLongerThanAnyStoredOneIsNeitherLookedUpNorCached() {
    FakeCatalog catalog = new FakeCatalog();
    String longest = "a".repeat(CatalogCache.MAX_CLIENT_ID_LENGTH);

    assertThat(catalog.cache().appByClientId(longest + "b")).isEmpty();
    assertThat(catalog.reads()).isZero();
    assertThat(catalog.cache().appByClientId(longest)).isEmpty();
    assertThat(catalog.reads()).isEqualTo(1);
  }

  @Test
  void invalidateAllReloadsEverything() {
    AppSnapshot app = new AppSnapshot(7L, "shop", "shop", AppState.ACTIVE, null, List.of());
    FakeCatalog catalog = new FakeCatalog().api(api(1, "/a"));
    assertThat(catalog.cache().appById(7L)).isEmpty();
    catalog.cache().publishedApis();

    catalog.app(app).api(api(2, "/b"));
    assertThat(catalog.cache().appById(7L)).isEmpty();
    assertThat(catalog.cache().publishedApis()).hasSize(1);

    catalog.cache().invalidateAll();
    assertThat(catalog.cache().appById(7L)).contains(app);
    assertThat(catalog.cache().appByClientId("shop")).contains(app);
    assertThat(catalog.cache().publishedApis()).hasSize(2);
  }

  @Test
  void evictingAnAppReloadsThatAppAndItsKeysOnly() {
    AppSnapshot shop = new AppSnapshot(7L, "shop", "shop", AppState.ACTIVE, null, List.of());
    AppSnapshot other = new AppSnapshot(8L, "other", "other", AppState.ACTIVE, null, List.of());
    CredentialSnapshot shopKey = new CredentialSnapshot(70L, 7L, "aa", null, null);
    CredentialSnapshot otherKey = new CredentialSnapshot(80L, 8L, "bb", null, null);
    FakeCatalog catalog =
        new FakeCatalog().app(shop).app(other).credential("aa", shopKey).credential("bb", otherKey);
    catalog.cache().appById(7L);
    catalog.cache().appByClientId("shop");
    catalog.cache().appById(8L);
    catalog.cache().appByClientId("other");
    catalog.cache().credentialByDigest("aa");
    catalog.cache().credentialByDigest("bb");
    int reads = catalog.reads();

    AppSnapshot suspended =
        new AppSnapshot(7L, "shop", "shop", AppState.SUSPENDED, null, List.of());
    CredentialSnapshot revoked =
        new CredentialSnapshot(70L, 7L, "aa", null, java.time.Instant.EPOCH);
    catalog.app(suspended).credential("aa", revoked);
    catalog.cache().evictApp(7L, "shop");

    assertThat(catalog.cache().appById(7L)).contains(suspended);
    assertThat(catalog.cache().appByClientId("shop")).contains(suspended);
    assertThat(catalog.cache().credentialByDigest("aa")).contains(revoked);
    assertThat(catalog.reads()).isEqualTo(reads + 3);
    assertThat(catalog.cache().appById(8L)).contains(other);
    assertThat(catalog.cache().appByClientId("other")).contains(other);
    assertThat(catalog.cache().credentialByDigest("bb")).contains(otherKey);
    assertThat(catalog.reads()).isEqualTo(reads + 3);
  }

  @Test
  void aNewAppReplacesTheCachedMissOfItsClientId() {
    FakeCatalog catalog = new FakeCatalog();
    assertThat(catalog.cache().appByClientId("newcomer")).isEmpty();

    AppSnapshot app = new AppSnapshot(9L, "n", "newcomer", AppState.ACTIVE, null, List.of());
    catalog.app(app);
    catalog.cache().evictApp(9L, "newcomer");

    assertThat(catalog.cache().appByClientId("newcomer")).contains(app);
  }

  @Test
  void evictingAPlanOrProductReloadsTheAppsSubscribedToItOnly() {
    PlanSnapshot gold = new PlanSnapshot(5L, "gold", 50L, "shop", List.of(), 300);
    PlanSnapshot free = new PlanSnapshot(6L, "free", 60L, "blog", List.of(), 300);
    AppSnapshot goldApp = appOn(7L, gold);
    AppSnapshot freeApp = appOn(8L, free);
    FakeCatalog catalog = new FakeCatalog().app(goldApp).app(freeApp);
    catalog.cache().appById(7L);
    catalog.cache().appById(8L);
    int reads = catalog.reads();

    catalog.cache().evictPlan(5L);
    catalog.cache().appById(7L);
    catalog.cache().appById(8L);
    assertThat(catalog.reads()).isEqualTo(reads + 1);

    catalog.cache().evictProduct(60L);
    catalog.cache().appById(7L);
    catalog.cache().appById(8L);
    assertThat(catalog.reads()).isEqualTo(reads + 2);
  }

  @Test
  void evictingApisReloadsTheListButNoApp() {
    AppSnapshot app = new AppSnapshot(7L, "shop", "shop", AppState.ACTIVE, null, List.of());
    FakeCatalog catalog = new FakeCatalog().api(api(1, "/a")).app(app);
    catalog.cache().publishedApis();
    catalog.cache().appById(7L);
    catalog.api(api(2, "/b"));

    catalog.cache().evictApis();

    assertThat(catalog.cache().publishedApis()).hasSize(2);
    int reads = catalog.reads();
    catalog.cache().appById(7L);
    assertThat(catalog.reads()).isEqualTo(reads);
  }

  private static AppSnapshot appOn(long id, PlanSnapshot plan) {
    return new AppSnapshot(
        id,
        "app-" + id,
        "app-" + id,
        AppState.ACTIVE,
        null,
        List.of(
            new SubscriptionSnapshot(
                id * 10, io.meshgate.catalog.subscription.SubscriptionState.ACTIVE, plan)));
  }

  static ApiSnapshot api(long id, String basePath) {
    return new ApiSnapshot(
        id,
        "api-" + id,
        "v1",
        basePath,
        URI.create("http://up:8080"),
        "api-" + id,
        null,
        null,
        1L,
        List.of(),
        Set.of());
  }
}
