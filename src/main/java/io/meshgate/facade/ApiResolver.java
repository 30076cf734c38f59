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

  /** The matching API and the rest of the path, or {@code null}. */
  public Route resolve(String rawPath) {
    for (ApiSnapshot api : catalog.publishedApis()) {
      String base = api.basePath();
      if (base.equals("/")) {
        return new Route(api, rawPath);
      }
      if (rawPath.startsWith(base)
          && (rawPath.length() == base.length() || rawPath.charAt(base.length()) == '/')) {
        return new Route(api, rawPath.substring(base.length()));
      }
    }
    return null;
  }

  /** A resolved call: the API, and the raw path below its base path (may be empty). */
  public record Route(ApiSnapshot api, String remainder) {}
}
