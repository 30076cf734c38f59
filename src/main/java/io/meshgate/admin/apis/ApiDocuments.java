package io.meshgate.admin.apis;

import io.meshgate.admin.error.AdminException;
import io.meshgate.catalog.api.ApiEntity;
import io.meshgate.catalog.product.PlanEntity;
import io.meshgate.catalog.product.ProductEntity;
import io.meshgate.chain.InvalidPolicyConfigException;
import io.meshgate.chain.PolicyConfigReader;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The documentation of each API as an OpenAPI 3.1 document, compiled from the catalog by {@link
 * OpenApiCompiler}: for the admin API's {@code GET /admin/v1/apis/{id}/openapi} and for any other
 * code (the developer portal) that shows an API's documentation.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class ApiDocuments {
  /** 409: a stored step config no longer reads, so the API cannot be described (nor served). */
  public static final String API_MISCONFIGURED = "API_MISCONFIGURED";

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject Validator validator;

  private OpenApiCompiler compiler;

  @PostConstruct
  void init() {
    compiler = new OpenApiCompiler(new PolicyConfigReader(validator));
  }

  /**
   * The API's OpenAPI document as JSON text; the same catalog and base URL give the same text.
   *
   * @param baseUrl the gateway's public URL (e.g. {@code https://api.example.com}); a trailing
   *     {@code /} is dropped
   * @throws AdminException 404 {@code API_NOT_FOUND} for an unknown id, 409 {@code
   *     API_MISCONFIGURED} when a stored step config no longer reads
   */
  public String openApi(long apiId, String baseUrl) {
    ApiEntity api = em.find(ApiEntity.class, apiId);
    if (api == null) {
      throw AdminException.notFound(ApiAdmin.API_NOT_FOUND, "API", apiId);
    }
    List<OpenApiCompiler.Plan> plans = new ArrayList<>();
    for (ProductEntity product :
        em.createQuery(
                "select distinct p from ProductEntity p join p.apis a where a.id = :id",
                ProductEntity.class)
            .setParameter("id", apiId)
            .getResultList()) {
      for (PlanEntity plan : product.getPlans()) {
        plans.add(new OpenApiCompiler.Plan(product.getName(), plan.getName(), scopes(plan)));
      }
    }
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    try {
      return compiler.compile(ApiAdmin.view(api), plans, base).toString();
    } catch (InvalidPolicyConfigException e) {
      throw new AdminException(
          409,
          API_MISCONFIGURED,
          "A policy step of API "
              + apiId
              + " no longer reads: "
              + String.join("; ", e.violations()));
    }
  }

  private static List<String> scopes(PlanEntity plan) {
    String scopes = plan.getScopes();
    return scopes == null || scopes.isBlank()
        ? List.of()
        : Arrays.asList(scopes.trim().split("\\s+"));
  }
}
