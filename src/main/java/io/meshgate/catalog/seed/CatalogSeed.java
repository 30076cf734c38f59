package io.meshgate.catalog.seed;

import io.meshgate.admin.products.PlanRequest;
import io.meshgate.catalog.api.MeshDestination;
import io.meshgate.limit.LimitSpec;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * A declarative catalog: APIs, products with plans, apps with credentials and subscriptions. The
 * demo catalog is one; {@code MESHGATE_SEED_FILE} can name another to bootstrap a server (for
 * example a CI environment). Seeding only adds what is missing, by name; it never changes or
 * deletes existing entries, so it is safe on every start.
 */
public record CatalogSeed(List<ApiSeed> apis, List<ProductSeed> products, List<AppSeed> apps) {

  public CatalogSeed {
    apis = apis == null ? List.of() : apis;
    products = products == null ? List.of() : products;
    apps = apps == null ? List.of() : apps;
  }

  /**
   * An API and its policy steps, in order. {@code state} defaults to published; {@code mesh} is
   * optional (see {@link MeshDestination}).
   */
  public record ApiSeed(
      String name,
      String version,
      String basePath,
      String upstreamUrl,
      String audience,
      String state,
      Integer connectTimeoutMs,
      Integer readTimeoutMs,
      List<StepSeed> policies,
      MeshDestination mesh) {}

  /** One policy step: policy id and its config object. */
  public record StepSeed(String policy, JsonObject config) {}

  /** A product, the API names it bundles, and its plans. */
  public record ProductSeed(String name, String title, List<String> apis, List<PlanSeed> plans) {}

  /** A plan, in the admin API's shape ({@code PlanRequest}), limits included. */
  public record PlanSeed(
      String name,
      String title,
      Boolean approvalRequired,
      List<String> scopes,
      Integer tokenTtlSeconds,
      LimitSpec.Rate rateLimit,
      LimitSpec.Burst burst,
      PlanRequest.Quota quota,
      String onLimiterError) {

    PlanRequest toRequest() {
      return new PlanRequest(
          name,
          title,
          approvalRequired,
          scopes,
          tokenTtlSeconds,
          rateLimit,
          burst,
          quota,
          onLimiterError);
    }
  }

  /**
   * An app. Secrets and keys are given in clear here and stored only as digests; use seed files for
   * demos and test environments, the admin API for real apps.
   */
  public record AppSeed(
      String name,
      String clientId,
      String clientSecret,
      List<String> apiKeys,
      List<SubscriptionSeed> subscriptions) {}

  /** {@code state}: active (default), pending, suspended or cancelled. */
  public record SubscriptionSeed(String product, String plan, String state) {}
}
