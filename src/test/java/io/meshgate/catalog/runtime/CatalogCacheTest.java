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
