package io.meshgate.facade;

import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.runtime.CatalogCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Finds the published API whose base path is the longest prefix (on segment boundaries) of a path.
 */
@ApplicationScoped
public class ApiResolver {

  @Inject CatalogCache catalog;

  /**
   * The API whose base path matches the canonical path, and the raw path below that base path, or
   * {@code null}.
   *
   * @param canonicalPath the path as {@link CanonicalPath#of} made it: what is matched
   * @param rawPath the path as the client sent it: what the remainder is cut from
   */
  public Route resolve(String canonicalPath, String rawPath) {
    for (ApiSnapshot api : catalog.publishedApis()) {
      String base = api.basePath();
      if (base.equals("/")) {
        return new Route(api, rawPath);
      }
      if (canonicalPath.startsWith(base)
          && (canonicalPath.length() == base.length()
              || canonicalPath.charAt(base.length()) == '/')) {
        return new Route(
            api, CanonicalPath.rawRemainder(rawPath, CanonicalPath.segmentCount(base)));
      }
    }
    return null;
  }

  /** A resolved call: the API, and the raw path below its base path (may be empty). */
  public record Route(ApiSnapshot api, String remainder) {}
}
