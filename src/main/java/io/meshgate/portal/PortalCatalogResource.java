package io.meshgate.portal;

import io.meshgate.admin.Page;
import io.meshgate.admin.apis.ApiAdmin;
import io.meshgate.admin.apis.ApiDocuments;
import io.meshgate.admin.apis.ApiView;
import io.meshgate.admin.error.AdminException;
import io.meshgate.admin.products.PlanRequest;
import io.meshgate.admin.products.PlanView;
import io.meshgate.admin.products.ProductAdmin;
import io.meshgate.admin.products.ProductView;
import io.meshgate.limit.LimitSpec;
import io.meshgate.token.Issuer;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code GET /portal/api/catalog}: what app developers can subscribe to: every product that bundles
 * at least one published API, with its published APIs and its plans (limits, scopes, whether a
 * subscription needs approval). Public (io.meshgate.access.EndpointRules), like a product page: it
 * shows no upstream address, no policy configuration and nothing of any app.
 */
@Path("portal/api/catalog")
@Produces(MediaType.APPLICATION_JSON)
public class PortalCatalogResource {
  /** The most products and APIs the portal lists (the admin API's largest page). */
  static final int MAX = Page.MAX_SIZE;

  @Inject ProductAdmin products;
  @Inject ApiAdmin apis;
  @Inject ApiDocuments documents;
  @Inject Issuer issuer;

  /** A published API as developers see it: where to call it, not where it goes. */
  public record Api(long id, String name, String version, String basePath) {}

  /** A plan as developers see it. */
  public record Plan(
      long id,
      String name,
      String title,
      boolean approvalRequired,
      List<String> scopes,
      LimitSpec.Rate rateLimit,
      LimitSpec.Burst burst,
      PlanRequest.Quota quota) {}

  public record Product(long id, String name, String title, List<Api> apis, List<Plan> plans) {}

  public record Catalog(List<Product> products) {}

  /**
   * How long one computed catalog is served: it is public and costs a query per product, so a burst
   * of anonymous calls must not each build it. A change shows within this long, as on any other
   * replica of the gateway.
   */
  static final long CACHE_MILLIS = 2000;

  private static final AtomicReference<Cached> CACHE = new AtomicReference<>();

  private record Cached(Catalog catalog, long at) {}

  @GET
  public Catalog catalog() {
    long now = System.currentTimeMillis();
    Cached cached = CACHE.get();
    if (cached != null && now - cached.at() >= 0 && now - cached.at() < CACHE_MILLIS) {
      return cached.catalog();
    }
    Catalog fresh = build();
    CACHE.set(new Cached(fresh, now));
    return fresh;
  }

  private Catalog build() {
    Map<Long, Api> published =
        apis.list(null, new Page.Request(0, MAX)).items().stream()
            .filter(a -> "published".equalsIgnoreCase(a.state()))
            .map(PortalCatalogResource::api)
            .collect(Collectors.toMap(Api::id, Function.identity()));
    return new Catalog(
        products.list(null, new Page.Request(0, MAX)).items().stream()
            .map(p -> product(p, published))
            .filter(p -> !p.apis().isEmpty())
            .toList());
  }

  /**
   * The OpenAPI 3.1 document of a published API that a listed product bundles, compiled from the
   * catalog (io.meshgate.admin.apis.ApiDocuments) with the gateway's public URL; any other id is
   * {@code 404 API_NOT_FOUND}.
   */
  @GET
  @Path("apis/{id}/openapi")
  public Response openApi(@PathParam("id") long id) {
    boolean offered =
        catalog().products().stream().flatMap(p -> p.apis().stream()).anyMatch(a -> a.id() == id);
    if (!offered) {
      throw AdminException.notFound(ApiAdmin.API_NOT_FOUND, "API", id);
    }
    return Response.ok(documents.openApi(id, issuer.url()), MediaType.APPLICATION_JSON).build();
  }

  /** The plan with this id, when a product the portal offers has it. */
  Plan offeredPlan(long planId) {
    return catalog().products().stream()
        .flatMap(p -> p.plans().stream())
        .filter(p -> p.id() == planId)
        .findFirst()
        .orElse(null);
  }

  private static Product product(ProductView p, Map<Long, Api> published) {
    return new Product(
        p.id(),
        p.name(),
        p.title(),
        p.apis().stream().map(published::get).filter(a -> a != null).toList(),
        p.plans().stream().map(PortalCatalogResource::plan).toList());
  }

  private static Api api(ApiView a) {
    return new Api(a.id(), a.name(), a.version(), a.basePath());
  }

  private static Plan plan(PlanView p) {
    return new Plan(
        p.id(),
        p.name(),
        p.title(),
        p.approvalRequired(),
        p.scopes(),
        p.rateLimit(),
        p.burst(),
        p.quota());
  }
}
