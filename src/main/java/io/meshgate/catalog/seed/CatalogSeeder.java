package io.meshgate.catalog.seed;

import io.meshgate.admin.products.PlanRequest;
import io.meshgate.admin.products.ProductAdmin;
import io.meshgate.catalog.api.ApiEntity;
import io.meshgate.catalog.api.ApiState;
import io.meshgate.catalog.app.AppEntity;
import io.meshgate.catalog.product.PlanEntity;
import io.meshgate.catalog.product.ProductEntity;
import io.meshgate.catalog.runtime.ApiSnapshot;
import io.meshgate.catalog.subscription.SubscriptionEntity;
import io.meshgate.catalog.subscription.SubscriptionState;
import io.meshgate.chain.PolicyChainFactory;
import io.meshgate.support.SecretDigester;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/** Writes a {@link CatalogSeed} into the catalog, adding only what is missing. */
@ApplicationScoped
public class CatalogSeeder {
  private static final Logger LOG = Logger.getLogger(CatalogSeeder.class.getName());
  private static final int KEY_PREFIX_LENGTH = 8;

  @PersistenceContext(unitName = "meshgate")
  EntityManager em;

  @Inject SecretDigester digester;
  @Inject PolicyChainFactory chains;
  @Inject Clock clock;
  @Inject Validator validator;

  /** Parses a seed document; unknown fields are errors. */
  public static CatalogSeed parse(String json) {
    try (Jsonb jsonb =
        JsonbBuilder.create(
            new JsonbConfig().setProperty("jsonb.fail-on-unknown-properties", true))) {
      return jsonb.fromJson(json, CatalogSeed.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("Not a valid catalog seed: " + e.getMessage(), e);
    }
  }

  /** Adds what the seed has and the catalog lacks; returns how many entries were added. */
  @Transactional
  public int apply(CatalogSeed seed, String source) {
    Instant now = clock.instant();
    int added = 0;
    for (CatalogSeed.ApiSeed api : seed.apis()) {
      if (findApi(api.name()).isPresent()) {
        continue;
      }
      ApiEntity entity =
          new ApiEntity(
              api.name(),
              Optional.ofNullable(api.version()).orElse("v1"),
              api.basePath(),
              api.upstreamUrl(),
              now);
      entity.setAudience(api.audience());
      entity.setState(
          api.state() == null
              ? ApiState.PUBLISHED
              : ApiState.valueOf(api.state().toUpperCase(Locale.ROOT)));
      entity.setConnectTimeoutMs(api.connectTimeoutMs());
      entity.setReadTimeoutMs(api.readTimeoutMs());
      if (api.mesh() != null) {
        List<String> violations =
            new ArrayList<>(
                validator.validate(api.mesh()).stream()
                    .map(v -> "mesh." + v.getPropertyPath() + " " + v.getMessage())
                    .sorted()
                    .toList());
        api.mesh().routeProblems().forEach(p -> violations.add("mesh." + p));
        if (!violations.isEmpty()) {
          throw new IllegalArgumentException(
              source + ": API '" + api.name() + "': " + String.join("; ", violations));
        }
        entity.setMeshJson(api.mesh().toJson());
      }
      List<ApiSnapshot.PolicyStepSnapshot> steps = new ArrayList<>();
      List<CatalogSeed.StepSeed> policies = api.policies() == null ? List.of() : api.policies();
      for (int i = 0; i < policies.size(); i++) {
        CatalogSeed.StepSeed step = policies.get(i);
        String config = step.config() == null ? "{}" : step.config().toString();
        steps.add(new ApiSnapshot.PolicyStepSnapshot(i, step.policy(), config));
        entity.addStep(i, step.policy(), config);
      }
      chains.build(steps); // fails the seed with every violation named
      em.persist(entity);
      added++;
    }
    em.flush();
    for (CatalogSeed.ProductSeed product : seed.products()) {
      ProductEntity entity = findProduct(product.name()).orElse(null);
      if (entity == null) {
        entity =
            new ProductEntity(
                product.name(), Optional.ofNullable(product.title()).orElse(product.name()), now);
        em.persist(entity);
        added++;
      }
      for (String apiName : product.apis() == null ? List.<String>of() : product.apis()) {
        ApiEntity api =
            findApi(apiName)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            source
                                + ": product '"
                                + product.name()
                                + "' bundles unknown API '"
                                + apiName
                                + "'"));
        entity.getApis().add(api);
      }
      for (CatalogSeed.PlanSeed plan :
          product.plans() == null ? List.<CatalogSeed.PlanSeed>of() : product.plans()) {
        if (entity.getPlans().stream().anyMatch(p -> p.getName().equals(plan.name()))) {
          continue;
        }
        PlanRequest request = plan.toRequest();
        List<String> violations =
            validator.validate(request).stream()
                .map(v -> v.getPropertyPath() + " " + v.getMessage())
                .sorted()
                .toList();
        if (!violations.isEmpty()) {
          throw new IllegalArgumentException(
              source
                  + ": plan '"
                  + plan.name()
                  + "' of product '"
                  + product.name()
                  + "': "
                  + String.join("; ", violations));
        }
        PlanEntity p =
            entity.addPlan(plan.name(), Optional.ofNullable(plan.title()).orElse(plan.name()));
        ProductAdmin.apply(p, request);
        added++;
      }
    }
    em.flush();
    for (CatalogSeed.AppSeed app : seed.apps()) {
      if (!em.createQuery("select a from AppEntity a where a.name = :n", AppEntity.class)
          .setParameter("n", app.name())
          .getResultList()
          .isEmpty()) {
        continue;
      }
      // Without a client id the app's name serves; without a client secret the app has an
      // unguessable one nobody knows, so it authenticates by API key only.
      String clientId = app.clientId() == null ? app.name() : app.clientId();
      String secret =
          app.clientSecret() == null ? io.meshgate.admin.NewSecrets.secret() : app.clientSecret();
      AppEntity entity = new AppEntity(app.name(), clientId, digester.digestHex(secret), now);
      for (String key : app.apiKeys() == null ? List.<String>of() : app.apiKeys()) {
        entity.addApiKey(
            digester.digestHex(key),
            key.substring(0, Math.min(KEY_PREFIX_LENGTH, key.length())),
            null,
            now);
      }
      em.persist(entity);
      for (CatalogSeed.SubscriptionSeed sub :
          app.subscriptions() == null
              ? List.<CatalogSeed.SubscriptionSeed>of()
              : app.subscriptions()) {
        PlanEntity plan =
            findProduct(sub.product())
                .flatMap(
                    p ->
                        p.getPlans().stream()
                            .filter(pl -> pl.getName().equals(sub.plan()))
                            .findFirst())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            source
                                + ": app '"
                                + app.name()
                                + "' subscribes to unknown plan "
                                + sub.product()
                                + "/"
                                + sub.plan()));
        SubscriptionState state =
            sub.state() == null
                ? SubscriptionState.ACTIVE
                : SubscriptionState.valueOf(sub.state().toUpperCase(Locale.ROOT));
        em.persist(new SubscriptionEntity(entity, plan, state, now));
      }
      added++;
    }
    if (added > 0) {
      em.createNativeQuery("update catalog_revision set revision = revision + 1 where id = 1")
          .executeUpdate();
      LOG.info("MESHGATE-SEED: added " + added + " catalog entries from " + source);
    }
    return added;
  }

  private Optional<ApiEntity> findApi(String name) {
    return em.createQuery("select a from ApiEntity a where a.name = :n", ApiEntity.class)
        .setParameter("n", name)
        .getResultStream()
        .findFirst();
  }

  private Optional<ProductEntity> findProduct(String name) {
    return em.createQuery("select p from ProductEntity p where p.name = :n", ProductEntity.class)
        .setParameter("n", name)
        .getResultStream()
        .findFirst();
  }
}
