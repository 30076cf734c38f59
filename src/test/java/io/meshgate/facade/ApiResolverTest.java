package io.meshgate.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.runtime.FakeCatalog;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiResolverTest {

  @Test
  void longestBasePathWinsOnSegmentBoundaries() {
    ApiResolver resolver = resolver(api(1, "/shop"), api(2, "/shop/orders"));

    assertThat(resolve(resolver, "/shop/orders/42")).isEqualTo("2 /42");
    assertThat(resolve(resolver, "/shop/orders")).isEqualTo("2 ");
    assertThat(resolve(resolver, "/shop/ordersx")).isEqualTo("1 /ordersx");
    assertThat(resolve(resolver, "/shop/")).isEqualTo("1 /");
    assertThat(resolve(resolver, "/shopping")).isNull();
    assertThat(resolve(resolver, "/other")).isNull();
  }

  @Test
  void rootBasePathTakesWhatNothingElseMatches() {
    ApiResolver resolver = resolver(api(1, "/"), api(2, "/shop"));

    assertThat(resolve(resolver, "/shop/x")).isEqualTo("2 /x");
    assertThat(resolve(resolver, "/shopping")).isEqualTo("1 /shopping");
  }

  @Test
  void matchesTheCanonicalPathAndKeepsTheRawRemainder() {
    ApiResolver resolver = resolver(api(1, "/shop"), api(2, "/caf\u00e9"));

    assertThat(resolve(resolver, "/caf%C3%A9/a%20b")).isEqualTo("2 /a%20b");
    assertThat(resolve(resolver, "/shop/%2561")).isEqualTo("1 /%2561");
  }

  private static String resolve(ApiResolver resolver, String path) {
    ApiResolver.Route route;
    try {
      route = resolver.resolve(CanonicalPath.of(path), path);
    } catch (CanonicalPath.InvalidPathException e) {
      throw new AssertionError(e);
    }
    return route == null ? null : route.api().id() + " " + route.remainder();
  }

  private static ApiResolver resolver(ApiSnapshot... apis) {
    FakeCatalog catalog = new FakeCatalog();
    for (ApiSnapshot api : apis) {
      catalog.api(api);
    }
    ApiResolver resolver = new ApiResolver();
    resolver.catalog = catalog.cache();
    return resolver;
  }

  private static ApiSnapshot api(long id, String basePath) {
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
